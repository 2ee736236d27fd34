import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  describeIssues,
  formatPath,
  receivesRunContext,
  WorkflowActionSchema,
  waitsDurably,
  wouldHaveOf,
  type ActionType,
  type Json,
  type StepResult,
  type WorkflowAction,
} from '@conduit/core/definition';
import {
  completeExecution,
  createScheduledExecution,
  findUnstorable,
  finishExecution,
  markExecutionRunning,
  recordRunFailure,
  writeSteps,
  type StepWrite,
} from '@conduit/core/domain';
import {
  asJson,
  STEP_ERROR,
  type BeginInline,
  type BeginRun,
  type FinishRun,
  type RunRef,
  type RuntimeActivities,
  type SegmentCall,
  type SecretField,
  type SegmentOutcome,
  type StepCall,
  type StepFailureDetails,
  type StepMeta,
  type StepOutcome,
} from '../workflows/contract';
import { resolveAction, secretFieldsIn } from '../workflows/resolve';
import { prepareCall } from './call-workflow';
import { openApprovalActivity, settleApprovalActivity } from './approval';
import { asStepError } from './errors';
import { Concealer, openStepSecrets, withSecrets } from './secrets';
import { redactHeaders, redactJson } from './redact';
import { ACTION_HANDLERS } from './registry';
import { ScriptError } from './run-script';
import { StepError, type ActionHandler, type ActivityDeps } from './types';

export type { ActivityDeps, EventPublisher, Logger } from './types';

/** The step's input as stored: the resolved action without secrets. */
function storedInput(action: Record<string, Json>): Json {
  const copy: Record<string, Json> = { ...action };
  const headers = copy.headers;
  if (headers && typeof headers === 'object' && !Array.isArray(headers)) copy.headers = redactHeaders(headers as Record<string, string>);
  return redactJson(copy);
}

const rowFor = (
  run: RunRef,
  meta: StepMeta,
  patch: Omit<StepWrite, 'executionId' | 'workspaceId' | 'actionId' | 'actionType' | 'path' | 'seq'>,
): StepWrite => ({
  executionId: run.executionId,
  workspaceId: run.workspaceId,
  actionId: meta.actionId,
  actionType: meta.actionType,
  path: meta.path,
  seq: meta.seq,
  ...patch,
});

const withLogs = (input: Json, logs: string[] | undefined): Json => (logs ? { ...(input as Record<string, Json>), logs } : input);

/** pending → running (and, for a schedule fire, the execution row itself). Idempotent. */
async function beginExecution(deps: Pick<ActivityDeps, 'db' | 'runEvents'>, run: RunRef, b: BeginInline): Promise<void> {
  const { db } = deps;
  if (b.createExecution)
    await createScheduledExecution(db, {
      executionId: run.executionId,
      workspaceId: run.workspaceId,
      workflowId: run.workflowId,
      versionId: b.versionId,
      trigger: b.createExecution.trigger,
      input: b.createExecution.input,
      temporalWorkflowId: b.createExecution.temporalWorkflowId,
    });
  // Counted only when this call moved it (pending → running): a begin sent again after a failed call is not a new run.
  if (await markExecutionRunning(db, { executionId: run.executionId, workspaceId: run.workspaceId, startedAt: new Date(b.startedAt) })) deps.runEvents?.began();
}

/**
 * The last step rows and the execution's end written together, so a finished run never lacks its
 * steps. A completed run is one statement (completeExecution), with the run's beginning folded in
 * when `began` is given. A failure also writes its run.failed event and alert count, in one
 * transaction (run-failures.ts); the event is published after the commit (the outbox sweeper
 * re-sends it if this process dies first).
 */
async function writeStepsAndFinish(
  deps: Pick<ActivityDeps, 'db' | 'runEvents' | 'queue'>,
  f: Omit<FinishRun, 'flush'>,
  rows: StepWrite[],
  began?: Date,
): Promise<void> {
  if (f.status === 'completed') {
    const done = await completeExecution(deps.db, { executionId: f.run.executionId, workspaceId: f.run.workspaceId, output: f.output, began }, rows);
    if (began && done.wasPending) deps.runEvents?.began();
    if (done.ended) deps.runEvents?.finished(f.status, f.run.workspaceId);
    return;
  }
  const { ended, event } = await deps.db.transaction(async (tx) => {
    await writeSteps(tx, rows);
    const ended = await finishExecution(tx, {
      executionId: f.run.executionId,
      workspaceId: f.run.workspaceId,
      status: f.status,
      output: f.output,
      error: f.error,
    });
    if (!ended || f.status !== 'failed') return { ended, event: null };
    const event = await recordRunFailure(tx, {
      workspaceId: f.run.workspaceId,
      executionId: f.run.executionId,
      error: f.error,
      causation: f.run.causation,
      at: new Date(),
    });
    return { ended, event };
  });
  if (ended) deps.runEvents?.finished(f.status, f.run.workspaceId);
  if (event) await deps.queue.publish(event).catch(() => undefined);
}

/** Validates the resolved action and runs its handler. */
async function execute(
  deps: ActivityDeps,
  run: RunRef,
  meta: StepMeta,
  resolved: Record<string, Json>,
  attempt: number,
  signal: AbortSignal,
  scriptInput?: { trigger: Json; steps: Json; item?: Json; index?: number },
  secretFields: readonly SecretField[] = [],
) {
  const type: ActionType = meta.actionType;
  const handler = ACTION_HANDLERS[type] as ActionHandler<typeof type> | null;
  if (!handler) throw new StepError(`"${type}" runs inside the workflow, not as an activity`);
  // Templates resolved at run time are checked like the definition was (e.g. a resolved email address).
  const parsed = WorkflowActionSchema.safeParse({ ...resolved, id: meta.actionId, type });
  if (!parsed.success)
    throw new StepError(
      `invalid input after templating: ${describeIssues(parsed.error)
        .map((i) => i.message)
        .join('; ')}`,
    );
  // A dry test run stops here for steps with an outside effect: the row keeps the resolved input
  // (secrets still as references, never opened) and says what would have happened.
  const wouldHave = run.dryRun ? wouldHaveOf(type) : null;
  if (wouldHave) return { output: { dryRun: true, wouldHave } as Json };
  // Secrets go in after validation (the schema wants references in credential fields) and come back
  // out of whatever the step returns or throws, before Temporal or the database sees it.
  const concealer = new Concealer();
  let result;
  try {
    const values = await openStepSecrets(deps, run.workspaceId, secretFields);
    for (const [name, value] of values) concealer.add(name, value);
    const action = withSecrets(parsed.data as WorkflowAction & { type: typeof type }, secretFields, values);
    const conceal = (label: string, value: string) => concealer.add(label, value);
    result = await handler(action, { run, step: meta, attempt, signal, scriptInput, conceal }, deps);
  } catch (e) {
    if (concealer.empty) throw e;
    const err = asStepError(e);
    throw new StepError(concealer.text(err.message), err.retryable, err.retryAfterMs);
  }
  if (!concealer.empty)
    result = { ...result, output: concealer.json(result.output), ...(result.logs ? { logs: result.logs.map((l) => concealer.text(l)) } : {}) };
  // Later steps read the output as it was: refused, not altered, when PostgreSQL cannot store it.
  const bad = findUnstorable(result.output, ['output']);
  if (bad) throw new StepError(`the step's ${formatPath(bad.path)} cannot be stored: ${bad.reason}`);
  return result;
}

/** One step in its own activity (local or regular), with the run's begin and finish when they ride along. */
async function runStep(deps: ActivityDeps, call: StepCall): Promise<StepOutcome> {
  const actx = Context.current();
  const attempt = actx.info.attempt;
  const startedAt = new Date();
  const input = storedInput(call.action);
  let flushed = false;
  // Heartbeats carry cancellation to a regular activity; local ones are cancelled through the workflow task.
  const beat = call.remote ? setInterval(() => actx.heartbeat(), 1_000) : null;
  if (call.remote) actx.heartbeat();
  // The run's only local step: its beginning rides in the run's one final write, as a segment's does
  // (runSegment): one statement fewer in front of the action. Written first when the step fails.
  const deferred = call.begin && call.finish && !call.remote && !call.begin.createExecution ? call.begin : null;
  try {
    if (call.begin && !deferred) await beginExecution(deps, call.run, call.begin);
    // Slow effects show as running while they run; local steps record start and end together.
    if (call.remote) {
      await writeSteps(deps.db, [...call.flush, rowFor(call.run, call.step, { status: 'running', input, attempts: attempt, startedAt })]);
      flushed = true;
    }
    const result = await execute(deps, call.run, call.step, call.action, attempt, actx.cancellationSignal, call.scriptInput, call.secrets);
    const completedAt = new Date();
    const rows = [
      ...(flushed ? [] : call.flush),
      rowFor(call.run, call.step, {
        status: 'completed',
        input: withLogs(input, result.logs),
        output: result.output,
        attempts: attempt,
        startedAt,
        completedAt,
      }),
    ];
    // The run's last step: end the execution here unless a cancel came in (the workflow records that).
    const finished = !!call.finish && !actx.cancellationSignal.aborted;
    if (finished) {
      const steps = { ...call.finish!.steps, [call.step.actionId]: { status: 'completed', output: result.output } };
      const began = deferred ? new Date(deferred.startedAt) : undefined;
      await writeStepsAndFinish(
        deps,
        { run: call.run, status: 'completed', output: asJson({ steps }), error: null },
        [...rows, ...call.finish!.skipped],
        began,
      );
    } else {
      if (deferred) await beginExecution(deps, call.run, deferred);
      await writeSteps(deps.db, rows);
    }
    return {
      output: result.output,
      attempts: attempt,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      ...(finished ? { finished } : {}),
    };
  } catch (e) {
    if (deferred) await beginExecution(deps, call.run, deferred);
    throw await attemptFailed(deps, call, e, { attempt, startedAt, input, flushed });
  } finally {
    if (beat) clearInterval(beat);
  }
}

/** Records a failed attempt on the step's row and turns the error into the failure Temporal retries or not. */
async function attemptFailed(
  deps: ActivityDeps,
  call: StepCall,
  e: unknown,
  a: { attempt: number; startedAt: Date; input: Json; flushed: boolean },
): Promise<ApplicationFailure> {
  const err = asStepError(e);
  // The row shows the latest attempt's error; the workflow writes the final state once retries end.
  await writeSteps(deps.db, [
    ...(a.flushed ? [] : call.flush),
    rowFor(call.run, call.step, {
      status: 'running',
      input: withLogs(a.input, e instanceof ScriptError ? e.logs : undefined),
      error: err.message,
      attempts: a.attempt,
      startedAt: a.startedAt,
    }),
  ]).catch((we: Error) => deps.logger.error('step row write failed', { error: we.message }));
  const details: StepFailureDetails = { attempt: a.attempt, startedAt: a.startedAt.toISOString(), completedAt: new Date().toISOString() };
  return ApplicationFailure.create({
    message: err.message,
    type: STEP_ERROR,
    nonRetryable: !err.retryable,
    details: [details],
    ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
  });
}

/** Consecutive local steps in one local activity: one round trip and one batched row write. */
async function runSegment(deps: ActivityDeps, call: SegmentCall): Promise<SegmentOutcome> {
  const actx = Context.current();
  const began = Date.now();
  const steps: Record<string, StepResult> = { ...call.steps };
  const rows: StepWrite[] = [...call.flush];
  const out: SegmentOutcome = { done: [] };
  let bytes = 0;
  // A segment that is the whole rest of the run usually ends it: its beginning then goes into the
  // run's one final write instead of a write of its own before the first step (one statement and one
  // round trip fewer in front of the first action). Meanwhile the row says pending, for at most the
  // segment's budget. A schedule fire's begin makes the execution row, so it is written first.
  const deferred = call.begin && call.finish && !call.begin.createExecution ? call.begin : null;
  if (call.begin && !deferred) await beginExecution(deps, call.run, call.begin);
  try {
    for (const { meta, action, scope: own } of call.items) {
      if (out.done.length > 0 && (Date.now() - began > call.budgetMs || bytes > call.budgetBytes || actx.cancellationSignal.aborted)) break;
      const startedAt = new Date();
      // Items of several loop iterations: each with its own item/index. Outputs of an earlier
      // iteration's steps stay in `steps` but are never read: a step only refers to earlier siblings,
      // which its own iteration has run again by then.
      const scope = own ?? call.scope;
      const resolved = resolveAction(action, { trigger: call.trigger, steps, ...scope });
      const input = storedInput(resolved);
      try {
        const scriptInput = receivesRunContext(meta.actionType) ? { trigger: call.trigger, steps: asJson(steps), ...scope } : undefined;
        const secretFields = secretFieldsIn(action, { trigger: call.trigger, steps, ...scope });
        const result = await execute(deps, call.run, meta, resolved, 1, actx.cancellationSignal, scriptInput, secretFields);
        const completedAt = new Date();
        rows.push(
          rowFor(call.run, meta, { status: 'completed', input: withLogs(input, result.logs), output: result.output, attempts: 1, startedAt, completedAt }),
        );
        steps[meta.actionId] = { status: 'completed', output: result.output };
        bytes += JSON.stringify(result.output ?? null).length;
        out.done.push({ actionId: meta.actionId, output: result.output, startedAt: startedAt.toISOString(), completedAt: completedAt.toISOString() });
      } catch (e) {
        const err = asStepError(e);
        const failedInput = withLogs(input, e instanceof ScriptError ? e.logs : undefined);
        rows.push(rowFor(call.run, meta, { status: 'running', input: failedInput, error: err.message, attempts: 1, startedAt }));
        out.failed = {
          actionId: meta.actionId,
          message: err.message,
          retryable: err.retryable,
          startedAt: startedAt.toISOString(),
          completedAt: new Date().toISOString(),
          input: failedInput,
        };
        break;
      }
    }
  } finally {
    // One write for every step of the segment (and the rows the workflow queued before it); when
    // they were the run's last steps and all completed, the execution ends in the same transaction.
    if (call.finish && !out.failed && out.done.length === call.items.length && !actx.cancellationSignal.aborted) {
      const began = deferred ? new Date(deferred.startedAt) : undefined;
      await writeStepsAndFinish(deps, { run: call.run, status: 'completed', output: asJson({ steps }), error: null }, [...rows, ...call.finish.skipped], began);
      out.finished = true;
    } else {
      if (deferred) await beginExecution(deps, call.run, deferred);
      await writeSteps(deps.db, rows);
    }
  }
  return out;
}

/** The activities the interpreter calls; every dependency comes in through `deps`. */
export function createActivities(deps: ActivityDeps): RuntimeActivities {
  return {
    runStep: (call) => runStep(deps, call),
    runSegment: (call) => runSegment(deps, call),
    prepareCall: (p) => prepareCall(deps, p),
    async beginRun(b: BeginRun) {
      await beginExecution(deps, b.run, b);
      await writeSteps(deps.db, b.flush);
    },
    async recordSteps(rows) {
      await writeSteps(deps.db, rows);
      // The workflow records a wait's running row before it waits: the slot is free from here.
      const wait = rows.find((r) => r.status === 'running' && waitsDurably(r.actionType));
      if (wait) deps.runEvents?.waiting?.(wait.workspaceId);
    },
    async finishRun(f: FinishRun) {
      await writeStepsAndFinish(deps, f, f.flush);
    },
    openApproval: (call) => openApprovalActivity(deps, call),
    settleApproval: (s) => settleApprovalActivity(deps, s),
  };
}
