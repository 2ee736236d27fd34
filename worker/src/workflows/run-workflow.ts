import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  ChildWorkflowCancellationType,
  startChild,
  condition,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
// Types only from zod-based modules: this bundle is evaluated again for every run, so nothing here
// may build schemas (see test/workflow-bundle.test.ts). The starter validated the input.
import type { RetryPolicy } from '@conduit/core/definition';
import type { RunInput } from '@conduit/core/temporal';
import { LOCAL_SCRIPT_MAX_CPU_MS } from '@conduit/core/action-meta';
import {
  APPROVAL_SIGNAL,
  PROGRESS_QUERY,
  STEP_ERROR,
  type DecisionSignal,
  type Progress,
  type RunSummary,
  type RuntimeActivities,
  type StepFailureDetails,
} from './contract';
import { CallFailed, Interpreter, SEGMENT_BUDGET_MS, type RunCommands, type RunOptions } from './interpreter';
import type { CallCommand, CallResult } from './call-workflow';

export type { RunOptions } from './interpreter';

// The interpreter's Temporal shell: it only issues commands (activities, timers, continue-as-new),
// owns the cancellation scope and the progress query; what runs next is decided in interpreter.ts.
//
// No release has shipped, so no run anywhere replays older code: the command sequence changes
// freely until the first release, and from then on each change is guarded with patched(), which
// costs every run a marker and a search-attribute update. test/replay.test.ts replays recorded runs.

export const progressQuery = defineQuery<Progress>(PROGRESS_QUERY);
/** A decision the API recorded for one of this run's approvals; the first per approval counts. */
export const approvalSignal = defineSignal<[DecisionSignal]>(APPROVAL_SIGNAL);

/** History events after which the run continues as new (Temporal's hard limit is 51,200). */
const HISTORY_SOFT_LIMIT = 8_000;
/** History bytes after which the run continues as new (the hard limit is 50 MB). */
const HISTORY_BYTES_LIMIT = 8 * 1024 * 1024;

const retryOptions = (p: RetryPolicy) => ({
  maximumAttempts: p.maxAttempts,
  initialInterval: p.initialIntervalMs,
  backoffCoefficient: p.backoffCoefficient,
  maximumInterval: p.maxIntervalMs,
});

const segmentActivity = proxyLocalActivities<RuntimeActivities>({
  startToCloseTimeout: SEGMENT_BUDGET_MS + LOCAL_SCRIPT_MAX_CPU_MS + 30_000,
  retry: { maximumAttempts: 1 },
});

const plumbing = proxyLocalActivities<RuntimeActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 10, initialInterval: 200, maximumInterval: 10_000 },
});

/** A failed call as the interpreter sees it; a cancellation goes on as it came. */
function asCallFailed(err: unknown): unknown {
  if (isCancellation(err)) return err;
  let e: unknown = err;
  if (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) {
    const d = e.details?.[0] as StepFailureDetails | undefined;
    return new CallFailed(e.type === STEP_ERROR || !e.type ? e.message : `${e.type}: ${e.message}`, d);
  }
  return new CallFailed(e instanceof Error ? e.message : String(e));
}

function temporalCommands(options: RunOptions, decisions: Map<string, DecisionSignal>): RunCommands {
  const historyLimit = options.historyLimit ?? HISTORY_SOFT_LIMIT;
  return {
    async runStep(call, placement, policy, startToCloseTimeout) {
      try {
        if (placement === 'local') return await proxyLocalActivities<RuntimeActivities>({ startToCloseTimeout, retry: retryOptions(policy) }).runStep(call);
        return await proxyActivities<RuntimeActivities>({ startToCloseTimeout, heartbeatTimeout: '3s', retry: retryOptions(policy) }).runStep(call);
      } catch (err) {
        throw asCallFailed(err);
      }
    },
    async runSegment(call) {
      try {
        return await segmentActivity.runSegment(call);
      } catch (err) {
        throw asCallFailed(err);
      }
    },
    beginRun: (b) => plumbing.beginRun(b),
    recordSteps: (rows) => plumbing.recordSteps(rows),
    finishRun: (f) => plumbing.finishRun(f),
    sleep: (ms) => sleep(ms),
    historyFull() {
      const info = workflowInfo();
      return info.continueAsNewSuggested || info.historyLength > historyLimit || info.historySize > HISTORY_BYTES_LIMIT;
    },
    continueAsNew: (next, opts) => continueAsNew<typeof runWorkflow>(next, opts),
    callWorkflow: (c) => callChild(c),
    async openApproval(call) {
      try {
        return await proxyActivities<RuntimeActivities>({
          startToCloseTimeout: '2m',
          heartbeatTimeout: '5s',
          retry: { maximumAttempts: 5, initialInterval: 1_000 },
        }).openApproval(call);
      } catch (err) {
        throw asCallFailed(err);
      }
    },
    async awaitDecision(approvalId, ms) {
      // The signal or the durable timer, whichever comes first; both survive a worker restart.
      const got = await condition(() => decisions.has(approvalId), ms);
      return got ? (decisions.get(approvalId) ?? null) : null;
    },
    async settleApproval(s) {
      try {
        return await plumbing.settleApproval(s);
      } catch (err) {
        throw asCallFailed(err);
      }
    },
  };
}

/** The child's workflow id: derived from the calling run and the step, so a replayed or retried start never makes two. */
const childWorkflowId = (c: CallCommand) => `call-${c.run.executionId}-${c.step.actionId}-${c.step.seq}`;

/**
 * A call_workflow step: the activity checks the target and makes the child's row, then the child
 * runs the same interpreter as a Temporal child workflow. A waited-for child is cancelled with its
 * parent (the awaited result is cancelled, and REQUEST_CANCEL covers a parent that ends otherwise);
 * a fire-and-forget child is abandoned to run on its own.
 */
async function callChild(c: CallCommand): Promise<CallResult> {
  const workflowId = childWorkflowId(c);
  let prepared;
  try {
    prepared = await plumbing.prepareCall({
      run: c.run,
      step: c.step,
      childExecutionId: uuid4(),
      childTemporalWorkflowId: workflowId,
      targetWorkflowId: c.targetWorkflowId,
      input: c.input,
    });
  } catch (err) {
    throw asCallFailed(err);
  }
  const input = prepared.input as RunInput;
  const executionId = input.executionId!;
  try {
    const child = await startChild(runWorkflow, {
      workflowId,
      args: [input],
      parentClosePolicy: c.wait ? ParentClosePolicy.REQUEST_CANCEL : ParentClosePolicy.ABANDON,
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    });
    if (!c.wait) return { executionId, workflowName: prepared.workflowName };
    const summary = await child.result();
    return { executionId, workflowName: prepared.workflowName, summary };
  } catch (err) {
    if (isCancellation(err)) throw err;
    const cause = err instanceof ChildWorkflowFailure && err.cause ? err.cause.message : err instanceof Error ? err.message : String(err);
    throw new CallFailed(`the called workflow "${prepared.workflowName}" did not finish: ${cause}`);
  }
}

/** The interpreter as a Temporal workflow: runs a pinned definition step by step (see interpreter.ts). */
export async function runWorkflow(input: RunInput, options: RunOptions = {}): Promise<RunSummary> {
  // Schedule fires have no execution row yet: the id comes from the SDK's deterministic uuid4.
  const executionId = options.continued?.executionId ?? input.executionId ?? uuid4();
  const decisions = new Map<string, DecisionSignal>();
  setHandler(approvalSignal, (d) => {
    if (d && typeof d.approvalId === 'string' && !decisions.has(d.approvalId)) decisions.set(d.approvalId, d);
  });
  const interpreter = new Interpreter(input, options, { executionId, temporalWorkflowId: workflowInfo().workflowId }, temporalCommands(options, decisions));
  setHandler(progressQuery, () => interpreter.progress());
  try {
    return await interpreter.execute();
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (!isCancellation(err)) return interpreter.stopUnexpectedly(err);
    // Recording the outcome must survive the cancellation that caused it.
    await CancellationScope.nonCancellable(() => interpreter.recordCancel());
    throw err;
  }
}
