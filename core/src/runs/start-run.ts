import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { describeIssues, type Causation, type Json, type StepResult, type TriggerPayload, type WorkflowAction, type WorkflowTrigger } from '../definition';
import type { Db } from '../db';
import { createFairGate } from '../fairness';
import { quotaMessage, RunQuotaError } from './quota-error';
import { admitRun, createExecution, finishExecution, quotaResetsAt, type Admission } from '../domain';
import { RUN_WORKFLOW, RunInputSchema, TASK_QUEUE, runPriority, runWorkflowId, type RunInput, type RunInputArg } from '../temporal';

type StartRunInput = {
  workspaceId: string;
  workflowId: string;
  /** The published version the run is pinned to; null for a test run of a draft. */
  versionId: string | null;
  definition: { trigger: WorkflowTrigger; actions: WorkflowAction[] };
  trigger: TriggerPayload;
  /** The causing event; (workflowId, eventId) is unique, so the same event never starts two runs. */
  eventId: string | null;
  causation: Causation;
  recordId?: string | null;
  isTest?: boolean;
  /** A dry test run (RunInput.dryRun). */
  dryRun?: boolean;
  retryOf?: string | null;
  resume?: { fromExecutionId: string; steps: Record<string, StepResult> };
};

export type StartRunResult = {
  executionId: string;
  deduplicated: boolean;
  /** This call started the run and the server handed its first workflow task straight to a local worker. */
  eagerlyStarted?: boolean;
  /** The workspace's concurrent runs were at their limit: the run waits, queued, for the promoter. */
  queued?: true;
  /** The month's run quota is used up: the run ended cancelled without starting. */
  refused?: true;
};

/** The month's quota just passed its warning share: told once per month, to mail the admins. */
export type QuotaWarning = { workspaceId: string; runs: number; quota: number };

export type RunStarter = {
  /** Makes the execution row (or finds the one for the same (workflow, event)) and starts its run. */
  start(input: StartRunInput): Promise<StartRunResult>;
  /** Starts the run of a pending execution row made already (the dispatcher's claim makes them). */
  launch(input: StartRunInput & { executionId: string }): Promise<StartRunResult>;
};

export type RunStarterDeps = {
  db: Db;
  temporal: Client;
  taskQueue?: string;
  /**
   * Ask the server to hand the run's first workflow task straight back to a worker in this process
   * (the client must share the worker's NativeConnection): one trip through Temporal's matching
   * saved on every start. Only where a worker polls the task queue in the same process (local stack).
   */
  eagerStart?: boolean;
  /**
   * Per-workspace limits (concurrent runs, monthly quota) checked before each start (default on).
   * Test runs of a draft are never limited or counted.
   */
  limits?: boolean;
  onQuotaWarning?: (w: QuotaWarning) => void;
  /** A run of the workspace was queued behind its concurrent-run limit (the promoter listens). */
  onQueued?: (workspaceId: string) => void;
  /**
   * Workflow starts sent to Temporal at once (RUN_START_CONCURRENCY, default 3); more wait here,
   * taking turns across workspaces. Temporal serves the requests it holds first come, first served:
   * a promoter wave of a hundred starts from one workspace would sit in front of everyone else's.
   */
  concurrentStarts?: number;
};

/**
 * Starts a run: the execution row first (unique per (workflow, event)), then the Temporal workflow
 * with an id derived from that row. Both steps are idempotent, so a crash between them is healed by
 * redelivery: the second attempt finds the row and starts the same workflow id, and Temporal
 * refuses a duplicate (REJECT_DUPLICATE keeps a finished run from being started again).
 */
export function createRunStarter(deps: RunStarterDeps): RunStarter {
  const taskQueue = deps.taskQueue ?? TASK_QUEUE;
  const eager = deps.eagerStart ? { requestEagerStart: true } : {};
  const gate = createFairGate(deps.concurrentStarts ?? 3);

  // Validated before anything is written where the caller allows it: the workflow takes its input as
  // parsed (defaults applied) and carries no zod, since its bundle is evaluated again for every run.
  const runInput = (input: StartRunInput): RunInputArg => ({
    workspaceId: input.workspaceId,
    workflowId: input.workflowId,
    versionId: input.versionId,
    definition: input.definition,
    trigger: input.trigger,
    causation: input.causation,
    eventId: input.eventId,
    isTest: input.isTest ?? false,
    dryRun: input.dryRun ?? false,
    ...(input.resume ? { resume: input.resume } : {}),
  });

  const fail = (input: StartRunInput, executionId: string, error: string) =>
    finishExecution(deps.db, { workspaceId: input.workspaceId, executionId, status: 'failed', error });

  /** Takes a slot (or queues, or refuses); a refused run ends cancelled here, with why. */
  async function admit(input: StartRunInput, executionId: string, queueable: boolean): Promise<Admission | null> {
    if (deps.limits === false || input.isTest) return null;
    const a = await admitRun(deps.db, { workspaceId: input.workspaceId, executionId, queueable });
    if (a.warn && a.quota !== null) deps.onQuotaWarning?.({ workspaceId: input.workspaceId, runs: a.runs, quota: a.quota });
    if (a.decision === 'queued') deps.onQueued?.(input.workspaceId);
    if (a.decision === 'refused' && a.quota !== null)
      await finishExecution(deps.db, { workspaceId: input.workspaceId, executionId, status: 'cancelled', error: quotaMessage(a.quota, quotaResetsAt()) });
    return a;
  }

  async function startWorkflow(input: StartRunInput, args: RunInput & { executionId: string }): Promise<StartRunResult> {
    const { executionId } = args;
    let eagerlyStarted: boolean;
    try {
      // A run without an event (Run now, a test run, a retry from the monitor) has a person waiting
      // for it and goes ahead of event-driven (bulk) runs, here and in Temporal's task queue.
      const interactive = input.eventId === null;
      ({ eagerlyStarted } = await gate.run(
        input.workspaceId,
        () =>
          deps.temporal.workflow.start(RUN_WORKFLOW, {
            taskQueue,
            workflowId: runWorkflowId(executionId),
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            args: [args],
            // The workspace as fairness key.
            priority: runPriority(input.workspaceId, interactive ? 'interactive' : 'bulk'),
            ...eager,
          }),
        { urgent: interactive },
      ));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { executionId, deduplicated: true };
      // Without an event nothing redelivers this start (test runs, retries): close the row so it
      // never sits pending forever, and let the caller report the error.
      if (input.eventId === null) await fail(input, executionId, `could not start the run: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    return { executionId, deduplicated: false, ...(eagerlyStarted ? { eagerlyStarted } : {}) };
  }

  return {
    async start(input) {
      const parsed = RunInputSchema.parse(runInput(input));
      const { execution, created } = await createExecution(deps.db, {
        workspaceId: input.workspaceId,
        workflowId: input.workflowId,
        versionId: input.versionId,
        eventId: input.eventId,
        input: input.trigger as Json,
        recordId: input.recordId ?? null,
        retryOf: input.retryOf ?? null,
        isTest: input.isTest ?? false,
        dryRun: input.dryRun ?? false,
      });
      // Seen before and already past pending: the run exists; never start it again.
      if (!created && execution.status !== 'pending') return { executionId: execution.id, deduplicated: true };
      // Not created but still pending: an earlier attempt died before starting it; it starts now.
      // A person is waiting (no event): never queued, but it takes a slot and counts toward the
      // quota, and a refusal is theirs to read. An event's run may wait its turn.
      const a = await admit(input, execution.id, input.eventId !== null);
      if (a?.decision === 'queued') return { executionId: execution.id, deduplicated: false, queued: true };
      if (a?.decision === 'refused') {
        if (input.eventId === null && a.quota !== null) throw new RunQuotaError(a.quota, quotaResetsAt());
        return { executionId: execution.id, deduplicated: false, refused: true };
      }
      return startWorkflow(input, { ...parsed, executionId: execution.id });
    },

    async launch(input) {
      const parsed = RunInputSchema.safeParse(runInput(input));
      if (!parsed.success) {
        // The row exists and no retry can make this input valid: the run fails visibly instead.
        const reason = describeIssues(parsed.error)
          .map((i) => i.message)
          .join('; ');
        await fail(input, input.executionId, `the run's input is invalid: ${reason}`);
        return { executionId: input.executionId, deduplicated: false };
      }
      // Event-driven (bulk) runs wait their turn when the workspace is at its concurrent-run limit.
      const a = await admit(input, input.executionId, input.eventId !== null);
      if (a?.decision === 'queued') return { executionId: input.executionId, deduplicated: false, queued: true };
      if (a?.decision === 'refused') return { executionId: input.executionId, deduplicated: false, refused: true };
      return startWorkflow(input, { ...parsed.data, executionId: input.executionId });
    },
  };
}
