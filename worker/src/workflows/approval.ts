// wait_for_approval, the interpreter's side (pure: no @temporalio import). The run opens the approval
// (an activity writes the row and emails the links), then waits for the decision signal or the
// timeout, whichever comes first; when the timer wins it asks the database once more, since a
// decision may have been recorded whose signal never arrived. What the step outputs is decided here.
import type { Json, WorkflowAction } from '@conduit/core/definition';
import { parseDuration } from '@conduit/core/expressions';
import type { DecisionSignal, OpenApprovalCall, OpenApprovalResult, RunRef, StepMeta } from './contract';
import type { CallFailed } from './interpreter';

type ApprovalAction = Extract<WorkflowAction, { type: 'wait_for_approval' }>;
type OnTimeout = ApprovalAction['onTimeout'];

/** What the interpreter lends the step: its run, its row writes, and the commands it needs. */
export type ApprovalHost = {
  run: RunRef;
  temporalWorkflowId: string;
  /** What a dry run records instead of asking (ACTION_META's words). */
  wouldHave: string;
  resolve(action: ApprovalAction): Record<string, Json>;
  /** Writes the step's running row (and the run's begin) before the wait, so the timeline shows it. */
  markRunning(meta: StepMeta, input: Json, startedAt: string): Promise<void>;
  complete(meta: StepMeta, input: Json, output: Json, startedAt: string): void;
  fail(meta: StepMeta, input: Json, startedAt: string, message: string): 'ok' | 'stop';
  isCallFailed(err: unknown): err is CallFailed;
  openApproval(call: OpenApprovalCall): Promise<OpenApprovalResult>;
  awaitDecision(approvalId: string, ms: number): Promise<DecisionSignal | null>;
  settleApproval(approvalId: string, at: string): Promise<DecisionSignal | null>;
};

type ApprovalOutput = { decision: 'approved' | 'rejected'; by: string | null; at: string; comment: string | null; timedOut: boolean };

/** The step's outcome: a person's decision as it came, or (null) the timeout's, or a failure message. */
function approvalOutcome(signal: DecisionSignal | null, onTimeout: OnTimeout, at: string, timeout: string): { output: ApprovalOutput } | { error: string } {
  if (signal) return { output: { decision: signal.decision, by: signal.by, at: signal.at, comment: signal.comment, timedOut: false } };
  if (onTimeout === 'fail') return { error: `nobody approved or rejected within ${timeout}` };
  return { output: { decision: onTimeout === 'approve' ? 'approved' : 'rejected', by: null, at, comment: null, timedOut: true } };
}

export async function runApproval(h: ApprovalHost, action: ApprovalAction, meta: StepMeta, startedAt: string): Promise<'ok' | 'stop'> {
  const resolved = h.resolve(action);
  const timeout = String(resolved.timeout ?? action.timeout);
  const ms = parseDuration(timeout) ?? 0;
  const approvers = (Array.isArray(resolved.approvers) ? resolved.approvers : action.approvers).map(String);
  const message = String(resolved.message ?? '');
  const expiresAt = new Date(Date.parse(startedAt) + ms).toISOString();
  if (h.run.dryRun) {
    // Nobody is asked in a dry test run: the step says whom it would have asked and goes on as approved,
    // so the steps after it can be tried. No activity, no timer: the decision is made here.
    const output: ApprovalOutput & { dryRun: true; wouldHave: string } = {
      dryRun: true,
      wouldHave: h.wouldHave,
      decision: 'approved',
      by: null,
      at: startedAt,
      comment: null,
      timedOut: false,
    };
    h.complete(meta, resolved, output as unknown as Json, startedAt);
    return 'ok';
  }
  await h.markRunning(meta, resolved, startedAt);
  let opened: OpenApprovalResult;
  try {
    opened = await h.openApproval({
      run: h.run,
      step: meta,
      approvers,
      message,
      onTimeout: action.onTimeout,
      expiresAt,
      temporalWorkflowId: h.temporalWorkflowId,
    });
  } catch (err) {
    if (!h.isCallFailed(err)) throw err;
    return h.fail(meta, resolved, startedAt, err.message);
  }
  const input: Json = { ...resolved, approvalId: opened.approvalId, notified: opened.notified, expiresAt };
  let signal = ms > 0 ? await h.awaitDecision(opened.approvalId, ms) : null;
  const at = new Date().toISOString();
  if (!signal) {
    try {
      signal = await h.settleApproval(opened.approvalId, at);
    } catch (err) {
      if (!h.isCallFailed(err)) throw err;
      return h.fail(meta, input, startedAt, err.message);
    }
  }
  const outcome = approvalOutcome(signal, action.onTimeout, at, timeout);
  if ('error' in outcome) return h.fail(meta, input, startedAt, outcome.error);
  h.complete(meta, input, outcome.output as unknown as Json, startedAt);
  return 'ok';
}
