import { ApplicationFailure, Context } from '@temporalio/activity';
import { describeIssues, WorkflowActionSchema, type Json, type WorkflowAction } from '@conduit/core/definition';
import { createScheduledExecution, finishExecution, markExecutionRunning, writeSteps, type StepWrite } from '@conduit/core/domain';
import { STEP_ERROR, type BeginRun, type FinishRun, type RuntimeActivities, type StepCall, type StepFailureDetails, type StepOutcome } from '../workflows/contract';
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

function row(call: StepCall, patch: Partial<StepWrite>): StepWrite {
  return {
    executionId: call.run.executionId, workspaceId: call.run.workspaceId,
    actionId: call.step.actionId, actionType: call.step.actionType, path: call.step.path, seq: call.step.seq,
    status: 'running', ...patch,
  };
}

/** The activities the interpreter calls; every dependency comes in through `deps`. */
export function createActivities(deps: ActivityDeps): RuntimeActivities {
  async function runStep(call: StepCall): Promise<StepOutcome> {
    const actx = Context.current();
    const attempt = actx.info.attempt;
    const startedAt = new Date();
    const type = call.step.actionType;
    const input = storedInput({ ...call.action, id: call.step.actionId, type });
    const handler = ACTION_HANDLERS[type] as ActionHandler<typeof type> | null;
    let flushed = false;
    // Heartbeats carry cancellation to a regular activity; local ones are cancelled through the workflow task.
    const beat = call.remote ? setInterval(() => actx.heartbeat(), 1_000) : null;
    if (call.remote) actx.heartbeat();
    try {
      if (!handler) throw new StepError(`"${type}" runs inside the workflow, not as an activity`);
      // Slow effects show as running while they run; local steps record start and end together.
      if (call.remote) {
        await writeSteps(deps.db, [...call.flush, row(call, { status: 'running', input, attempts: attempt, startedAt })]);
        flushed = true;
      }
      // Templates resolved at run time are checked like the definition was (e.g. a resolved email address).
      const parsed = WorkflowActionSchema.safeParse({ ...call.action, id: call.step.actionId, type });
      if (!parsed.success) throw new StepError(`invalid input after templating: ${describeIssues(parsed.error).map((i) => i.message).join('; ')}`);
      const result = await handler(parsed.data as WorkflowAction & { type: typeof type }, {
        run: call.run, step: call.step, attempt, signal: actx.cancellationSignal, scriptInput: call.scriptInput,
      }, deps);
      const completedAt = new Date();
      const stored = result.logs ? { ...(input as Record<string, Json>), logs: result.logs } : input;
      await writeSteps(deps.db, [...(flushed ? [] : call.flush), row(call, { status: 'completed', input: stored, output: result.output, attempts: attempt, startedAt, completedAt })]);
      return { output: result.output, attempts: attempt, startedAt: startedAt.toISOString(), completedAt: completedAt.toISOString() };
    } catch (e) {
      const err = e instanceof StepError ? e : new StepError((e as Error)?.message ?? String(e), true);
      const stored = e instanceof ScriptError ? { ...(input as Record<string, Json>), logs: e.logs } : input;
      // The row shows the latest attempt's error; the workflow writes the final state once retries end.
      await writeSteps(deps.db, [...(flushed ? [] : call.flush), row(call, { status: 'running', input: stored, error: err.message, attempts: attempt, startedAt })])
        .catch((we: Error) => deps.logger.error('step row write failed', { error: we.message }));
      const details: StepFailureDetails = { attempt, startedAt: startedAt.toISOString() };
      throw ApplicationFailure.create({
        message: err.message, type: STEP_ERROR, nonRetryable: !err.retryable, details: [details],
        ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
      });
    } finally {
      if (beat) clearInterval(beat);
    }
  }

  return {
    runStep,
    async beginRun(b: BeginRun) {
      if (b.createExecution)
        await createScheduledExecution(deps.db, {
          executionId: b.run.executionId, workspaceId: b.run.workspaceId, workflowId: b.run.workflowId, versionId: b.versionId,
          trigger: b.createExecution.trigger, input: b.createExecution.input, temporalWorkflowId: b.createExecution.temporalWorkflowId,
        });
      await markExecutionRunning(deps.db, { executionId: b.run.executionId, workspaceId: b.run.workspaceId, startedAt: new Date(b.startedAt) });
      await writeSteps(deps.db, b.flush);
    },
    async recordSteps(rows) {
      await writeSteps(deps.db, rows);
    },
    async finishRun(f: FinishRun) {
      await deps.db.transaction(async (tx) => {
        await writeSteps(tx, f.flush);
        await finishExecution(tx, { executionId: f.run.executionId, workspaceId: f.run.workspaceId, status: f.status, output: f.output, error: f.error });
      });
    },
  };
}
