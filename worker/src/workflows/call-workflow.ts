// The call_workflow step, evaluated by the interpreter (pure: no @temporalio import). The shell's
// callWorkflow command prepares the call in an activity, starts the child workflow and, with
// `wait`, waits for its summary; this module turns that into the step's row and output.
import type { CallWorkflowAction, Json, StepResult } from '@conduit/core/definition';
import type { TemplateContext } from '@conduit/core/expressions';
import { resolveAction } from './resolve';
import type { RunRef, RunSummary, StepMeta } from './contract';
import { CallFailed, type Outcome } from './interpreter';

/** What the shell does for one call: prepare (activity), start the child, and wait for it when asked. */
export type CallCommand = {
  run: RunRef;
  step: StepMeta;
  targetWorkflowId: string;
  input: Json;
  wait: boolean;
};
/** `summary` is present when the step waited for the child. */
export type CallResult = { executionId: string; workflowName: string; summary?: RunSummary };

/** What the interpreter lends this step: its context, rows and outcome bookkeeping. */
export type CallHost = {
  run: RunRef;
  ctx(): TemplateContext;
  /** Writes the running row before the call, so the timeline shows the step while the child runs. */
  markRunning(meta: StepMeta, input: Json, startedAt: string, action: CallWorkflowAction): Promise<void>;
  complete(meta: StepMeta, input: Json, output: Json, startedAt: string): void;
  fail(action: CallWorkflowAction, meta: StepMeta, input: Json, startedAt: string, message: string): 'ok' | 'stop';
  call(c: CallCommand): Promise<CallResult>;
};

/** The child's final outputs: each completed step's output by action id. */
function outputsOf(steps: Record<string, StepResult>): Json {
  const out: Record<string, Json> = {};
  for (const [id, r] of Object.entries(steps)) if (r.status === 'completed') out[id] = r.output ?? null;
  return out;
}

export async function runCallWorkflow(host: CallHost, action: CallWorkflowAction, meta: StepMeta, startedAt: string): Promise<Outcome> {
  const resolved = resolveAction(action, host.ctx());
  const input: Json = resolved.input ?? {};
  const wait = action.wait !== false;
  await host.markRunning(meta, resolved, startedAt, action);
  let result: CallResult;
  try {
    result = await host.call({ run: host.run, step: meta, targetWorkflowId: action.workflowId, input, wait });
  } catch (err) {
    if (!(err instanceof CallFailed)) throw err;
    return host.fail(action, meta, resolved, startedAt, err.message);
  }
  if (!result.summary) {
    host.complete(meta, resolved, { executionId: result.executionId, status: 'started', output: null }, startedAt);
    return 'ok';
  }
  const s = result.summary;
  if (s.status !== 'completed')
    return host.fail(
      action,
      meta,
      resolved,
      startedAt,
      `the called workflow "${result.workflowName}" ${s.status === 'cancelled' ? 'was cancelled' : `failed: ${s.error ?? 'no reason given'}`}`,
    );
  host.complete(meta, resolved, { executionId: s.executionId, status: s.status, output: outputsOf(s.steps) }, startedAt);
  return 'ok';
}
