import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Causation, Json, StepResult, TriggerPayload, WorkflowAction, WorkflowTrigger } from '@conduit/core/definition';
import type { Db } from '@conduit/core/db';
import { createExecution, finishExecution } from '@conduit/core/domain';
import { RUN_WORKFLOW, RunInputSchema, TASK_QUEUE, runWorkflowId, type RunInput } from '@conduit/core/temporal';

export type StartRunInput = {
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
  retryOf?: string | null;
  resume?: { fromExecutionId: string; steps: Record<string, StepResult> };
};

export type StartRunResult = {
  executionId: string;
  deduplicated: boolean;
  /** This call started the run and the server handed its first workflow task straight to a local worker. */
  eagerlyStarted?: boolean;
};

export type RunStarter = { start(input: StartRunInput): Promise<StartRunResult> };

/**
 * Starts a run: the execution row first (unique per (workflow, event)), then the Temporal workflow
 * with an id derived from that row. Both steps are idempotent, so a crash between them is healed by
 * redelivery: the second attempt finds the row and starts the same workflow id, and Temporal
 * refuses a duplicate (REJECT_DUPLICATE keeps a finished run from being started again).
 */
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
};

export function createRunStarter(deps: RunStarterDeps): RunStarter {
  const taskQueue = deps.taskQueue ?? TASK_QUEUE;
  const eager = deps.eagerStart ? { requestEagerStart: true } : {};
  return {
    async start(input) {
      // Validated here, before anything is written: the workflow takes its input as parsed (defaults
      // applied) and carries no zod, since its bundle is evaluated again for every run.
      const parsed = RunInputSchema.parse({
        workspaceId: input.workspaceId,
        workflowId: input.workflowId,
        versionId: input.versionId,
        definition: input.definition,
        trigger: input.trigger,
        causation: input.causation,
        eventId: input.eventId,
        isTest: input.isTest ?? false,
        ...(input.resume ? { resume: input.resume } : {}),
      });
      const { execution, created } = await createExecution(deps.db, {
        workspaceId: input.workspaceId,
        workflowId: input.workflowId,
        versionId: input.versionId,
        eventId: input.eventId,
        input: input.trigger as Json,
        recordId: input.recordId ?? null,
        retryOf: input.retryOf ?? null,
        isTest: input.isTest ?? false,
      });
      // Seen before and already past pending: the run exists; never start it again.
      if (!created && execution.status !== 'pending') return { executionId: execution.id, deduplicated: true };

      const args: RunInput = { ...parsed, executionId: execution.id };
      let eagerlyStarted: boolean;
      try {
        ({ eagerlyStarted } = await deps.temporal.workflow.start(RUN_WORKFLOW, {
          taskQueue,
          workflowId: runWorkflowId(execution.id),
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [args],
          ...eager,
        }));
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { executionId: execution.id, deduplicated: true };
        // Without an event nothing redelivers this start (test runs, retries): close the row so it
        // never sits pending forever, and let the caller report the error.
        if (input.eventId === null) {
          const reason = err instanceof Error ? err.message : String(err);
          await finishExecution(deps.db, { workspaceId: input.workspaceId, executionId: execution.id, status: 'failed', error: `could not start the run: ${reason}` });
        }
        throw err;
      }
      // Not created but still pending: an earlier attempt died before starting it; now it has started.
      return { executionId: execution.id, deduplicated: false, ...(eagerlyStarted ? { eagerlyStarted } : {}) };
    },
  };
}
