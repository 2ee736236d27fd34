import {
  ActivityFailure, ApplicationFailure, CancellationScope, ContinueAsNew, continueAsNew, defineQuery, isCancellation, proxyActivities,
  proxyLocalActivities, setHandler, sleep, uuid4, workflowInfo, type ActivityOptions, type LocalActivityOptions,
} from '@temporalio/workflow';
// Types only from zod-based modules: this bundle is evaluated again for every run, so nothing here
// may build schemas (see test/workflow-bundle.test.ts). The starter validated the input.
import type { Json, RetryPolicy, StepResult, TriggerPayload, WorkflowAction } from '@conduit/core/definition';
import type { StepWrite } from '@conduit/core/domain';
import { evaluateCondition, parseDuration, walkActions, type TemplateContext } from '@conduit/core/expressions';
import type { RunInput } from '@conduit/core/temporal';
import { resolveAction } from './resolve';
import {
  ACTION_PLACEMENT, PROGRESS_QUERY, type BeginInline, LOCAL_SCRIPT_MAX_CPU_MS, STEP_ERROR, type Progress, type RunRef, type RunSummary, type RuntimeActivities, type StepFailureDetails, type StepMeta, type StepView,
} from './contract';

export const progressQuery = defineQuery<Progress>(PROGRESS_QUERY);

/** The interpreter's own second argument (never set by callers of RUN_WORKFLOW in production). */
export type RunOptions = {
  /** Set across continue-as-new: the execution exists and its finished steps are already recorded. */
  continued?: { executionId: string; seq: number };
  /** History length after which the run continues as new; tests lower it. */
  historyLimit?: number;
  /**
   * Steps run by one Temporal run before it continues as new. Local activities inside one workflow
   * task do not show in historyLength until the task ends, so this bounds the history directly.
   */
  stepsPerRun?: number;
};

/** History events after which the run continues as new (Temporal's hard limit is 51,200). */
const HISTORY_SOFT_LIMIT = 8_000;
/** History bytes after which the run continues as new (the hard limit is 50 MB). */
const HISTORY_BYTES_LIMIT = 8 * 1024 * 1024;
const STEPS_PER_RUN = 250;

/** Defaults when an action gives no retry policy: effects outside retry, record writes retry transient errors, scripts do not. */
const DEFAULT_RETRY: Record<'send_email' | 'send_webhook' | 'create_record' | 'update_record' | 'delete_record' | 'run_script', RetryPolicy> = {
  send_email: { maxAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 60_000 },
  send_webhook: { maxAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 60_000 },
  create_record: { maxAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 5_000 },
  update_record: { maxAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 5_000 },
  delete_record: { maxAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 5_000 },
  run_script: { maxAttempts: 1, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 10_000 },
};

const retryOptions = (p: RetryPolicy) => ({
  maximumAttempts: p.maxAttempts, initialInterval: p.initialIntervalMs, backoffCoefficient: p.backoffCoefficient, maximumInterval: p.maxIntervalMs,
});

/** A segment returns after this much wall time so cancels and history checks are not held up. */
const SEGMENT_BUDGET_MS = 1_000;

const segmentActivity = proxyLocalActivities<RuntimeActivities>({
  startToCloseTimeout: SEGMENT_BUDGET_MS + LOCAL_SCRIPT_MAX_CPU_MS + 30_000,
  retry: { maximumAttempts: 1 },
});

const plumbing = proxyLocalActivities<RuntimeActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 10, initialInterval: 200, maximumInterval: 10_000 },
});

/** 'finished': the last effect call also ended the execution (see FinishIfDone). */
type Outcome = 'ok' | 'stop' | 'finished';

function failureMessage(err: unknown): { message: string; details?: StepFailureDetails } {
  let e: unknown = err;
  if (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) {
    const d = e.details?.[0] as StepFailureDetails | undefined;
    return { message: e.type === STEP_ERROR || !e.type ? e.message : `${e.type}: ${e.message}`, details: d };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

function scheduleTrigger(input: RunInput): TriggerPayload {
  const tz = input.definition.trigger.type === 'schedule' ? input.definition.trigger.timezone : 'UTC';
  return { kind: 'schedule', scheduledAt: new Date().toISOString(), timezone: tz };
}

/**
 * The interpreter: runs a pinned definition step by step. Conditions, waits and templating are
 * evaluated here (deterministic); effects are activities. Every step leaves a row; steps that never
 * ran are marked skipped at the end.
 */
export async function runWorkflow(input: RunInput, options: RunOptions = {}): Promise<RunSummary> {
  const continuation = options.continued;
  const historyLimit = options.historyLimit ?? HISTORY_SOFT_LIMIT;
  const stepsPerRun = options.stepsPerRun ?? STEPS_PER_RUN;
  let stepsThisRun = 0;
  const fresh = !continuation;
  // Schedule fires have no execution row yet: the id comes from the SDK's deterministic uuid4.
  const executionId = continuation?.executionId ?? input.executionId ?? uuid4();
  const trigger: TriggerPayload = input.trigger ?? scheduleTrigger(input);
  const run: RunRef = { executionId, workspaceId: input.workspaceId, workflowId: input.workflowId, causation: input.causation };

  const results: Record<string, StepResult> = {};
  const views: StepView[] = [];
  let pending: StepWrite[] = [];
  let seq = continuation?.seq ?? 0;
  let status: Progress['status'] = 'running';
  let current: { action: WorkflowAction; meta: StepMeta; input: Json | null; startedAt: string } | null = null;

  setHandler(progressQuery, () => ({ executionId, status, steps: views }));

  const ctx = (): TemplateContext => ({ trigger, steps: results });
  const takePending = () => { const p = pending; pending = []; return p; };
  const write = (meta: StepMeta, patch: Omit<StepWrite, 'executionId' | 'workspaceId' | 'actionId' | 'actionType' | 'path' | 'seq'>) => {
    pending.push({ executionId, workspaceId: run.workspaceId, actionId: meta.actionId, actionType: meta.actionType, path: meta.path, seq: meta.seq, ...patch });
    const view: StepView = { actionId: meta.actionId, actionType: meta.actionType, path: meta.path, status: patch.status };
    if (patch.error) view.error = patch.error;
    if (patch.startedAt) view.startedAt = String(patch.startedAt);
    if (patch.completedAt) view.completedAt = String(patch.completedAt);
    const i = views.findIndex((v) => v.actionId === meta.actionId);
    if (i >= 0) views[i] = view; else views.push(view);
  };

  // Steps reused from a retried run (completed only) or carried over continue-as-new (every finished one).
  const reusable: Record<string, StepResult> = {};
  for (const [id, r] of Object.entries(input.resume?.steps ?? {})) if (!fresh || r.status === 'completed') reusable[id] = r;

  // No release has shipped, so no run anywhere replays older code: the command sequence changes
  // freely until the first release, and from then on each change is guarded with patched(), which
  // costs every run a marker and a search-attribute update.

  /** Not yet sent: the execution is still `pending` in the database. */
  let begin: BeginInline | null = null;
  if (fresh) {
    const b: BeginInline = {
      versionId: input.versionId, startedAt: new Date().toISOString(),
      ...(input.executionId ? {} : { createExecution: { trigger, input: { trigger } as unknown as Json, temporalWorkflowId: workflowInfo().workflowId } }),
    };
    // The run's begin rides with its first effect call instead of a local activity of its own.
    begin = b;
  }
  const takeBegin = (): { begin?: BeginInline } => { const b = begin; begin = null; return b ? { begin: b } : {}; };
  /** Before a plumbing write when no effect call has carried the begin yet (waits, runs without effects, failures). */
  const ensureBegun = async () => { if (begin) { const b = begin; await plumbing.beginRun({ run, ...b, flush: [] }); begin = null; } };

  /**
   * `last`: nothing runs after this action, so its call may end the run (see FinishIfDone).
   * 'finished' means the activity did, and the workflow only returns.
   */
  async function runAction(action: WorkflowAction, path: string, last: boolean): Promise<Outcome> {
    const meta: StepMeta = { actionId: action.id, actionType: action.type, path, seq: 0 };
    const reused = reusable[action.id];
    if (reused) {
      results[action.id] = reused;
      if (fresh) {
        meta.seq = seq++;
        write(meta, { status: reused.status, output: reused.output ?? null, error: reused.error ?? null, input: { reusedFrom: input.resume?.fromExecutionId ?? null } });
      }
      if (action.type === 'condition') {
        const branch = (reused.output as { branch?: string } | undefined)?.branch === 'then' ? action.then : action.else;
        return runList(branch, `${path}.${(reused.output as { branch?: string } | undefined)?.branch === 'then' ? 'then' : 'else'}`, last);
      }
      return 'ok';
    }
    meta.seq = seq++;
    stepsThisRun++;
    const startedAt = new Date().toISOString();

    if (action.type === 'condition') {
      const { result, trace } = evaluateCondition(action.if, ctx());
      const branch = result ? 'then' : 'else';
      const output: Json = { branch, result, trace: trace as unknown as Json };
      results[action.id] = { status: 'completed', output };
      write(meta, { status: 'completed', input: { if: action.if as unknown as Json }, output, attempts: 1, startedAt, completedAt: startedAt });
      return runList(result ? action.then : action.else, `${path}.${branch}`, last);
    }

    if (action.type === 'wait') {
      const resolved = resolveAction(action, ctx());
      let ms: number;
      let error: string | null = null;
      if (typeof resolved.duration === 'string') ms = parseDuration(resolved.duration) ?? 0;
      else {
        const until = Date.parse(String(resolved.until ?? ''));
        if (Number.isNaN(until)) { ms = 0; error = `"until" resolved to ${JSON.stringify(resolved.until ?? null)}, which is not a date-time`; }
        else ms = Math.max(0, until - Date.now());
      }
      if (error) return fail(action, meta, resolved, startedAt, error, 1);
      current = { action, meta, input: resolved, startedAt };
      write(meta, { status: 'running', input: resolved, attempts: 1, startedAt });
      // The running row is written before the timer so the timeline shows the wait as it happens.
      await ensureBegun();
      await plumbing.recordSteps(takePending());
      if (ms > 0) await sleep(ms);
      current = null;
      const completedAt = new Date().toISOString();
      const output: Json = { waitedMs: ms, until: new Date(Date.parse(startedAt) + ms).toISOString() };
      results[action.id] = { status: 'completed', output };
      write(meta, { status: 'completed', input: resolved, output, attempts: 1, startedAt, completedAt });
      return 'ok';
    }

    const resolved = resolveAction(action, ctx());
    current = { action, meta, input: resolved, startedAt };
    const placement = placementOf(action);
    const policy = action.retry ?? DEFAULT_RETRY[action.type];
    const scriptInput = action.type === 'run_script' ? { trigger: trigger as unknown as Json, steps: results as unknown as Json } : undefined;
    const finish = last ? { finish: { steps: { ...results }, skipped: skippedRows(new Set([action.id]), seq) } } : {};
    const call = {
      run, step: meta, action: resolved, flush: takePending(), remote: placement === 'activity', ...(scriptInput ? { scriptInput } : {}), ...takeBegin(), ...finish,
    };
    try {
      let outcome;
      if (placement === 'local') {
        const timeout = action.type === 'run_script' ? action.cpuMs + 30_000 : 30_000;
        const opts: LocalActivityOptions = { startToCloseTimeout: timeout, retry: retryOptions(policy) };
        outcome = await proxyLocalActivities<RuntimeActivities>(opts).runStep(call);
      } else {
        const timeout = action.type === 'send_webhook' ? action.timeoutMs + 10_000 : action.type === 'run_script' ? action.cpuMs + 30_000 : 60_000;
        const opts: ActivityOptions = { startToCloseTimeout: timeout, heartbeatTimeout: '3s', retry: retryOptions(policy) };
        outcome = await proxyActivities<RuntimeActivities>(opts).runStep(call);
      }
      current = null;
      results[action.id] = { status: 'completed', output: outcome.output };
      // The activity already wrote this row; the view is for the progress query.
      const i = views.findIndex((v) => v.actionId === action.id);
      const view: StepView = { actionId: action.id, actionType: action.type, path, status: 'completed', startedAt: outcome.startedAt, completedAt: outcome.completedAt };
      if (i >= 0) views[i] = view; else views.push(view);
      return outcome.finished ? 'finished' : 'ok';
    } catch (err) {
      // The begin may not have happened (idempotent, so it is sent again); a cancelled run records it too.
      begin ??= call.begin ?? null;
      if (isCancellation(err)) throw err;
      // Rows the activity never wrote (it failed before writing) must not be lost.
      pending = [...call.flush, ...pending];
      const { message, details } = failureMessage(err);
      return fail(action, meta, resolved, details?.startedAt ?? startedAt, message, details?.attempt ?? policy.maxAttempts);
    }
  }

  function fail(action: WorkflowAction, meta: StepMeta, resolved: Json, startedAt: string, message: string, attempts: number): 'ok' | 'stop' {
    current = null;
    const completedAt = new Date().toISOString();
    if (action.onFailure === 'continue') {
      // The error becomes the step's output so later steps can branch on it.
      const output: Json = { error: message };
      results[action.id] = { status: 'failed', output, error: message };
      write(meta, { status: 'failed', input: resolved, output, error: message, attempts, startedAt, completedAt });
      return 'ok';
    }
    results[action.id] = { status: 'failed', error: message };
    write(meta, { status: 'failed', input: resolved, error: message, attempts, startedAt, completedAt });
    stopError = `step "${action.id}" failed: ${message}`;
    return 'stop';
  }

  const placementOf = (a: WorkflowAction) =>
    a.type === 'run_script' && a.cpuMs > LOCAL_SCRIPT_MAX_CPU_MS ? 'activity' : ACTION_PLACEMENT[a.type];

  /** How many actions from `i` on can run as one segment: consecutive, local, not reused. */
  function segmentLength(actions: readonly WorkflowAction[], i: number): number {
    let n = 0;
    while (i + n < actions.length && stepsThisRun + n < stepsPerRun) {
      const a = actions[i + n]!;
      if (reusable[a.id] || placementOf(a) !== 'local') break;
      n++;
    }
    return n;
  }

  /** `terminal`: the items are the run's last actions. */
  async function runSegment(items: readonly WorkflowAction[], prefix: string, offset: number, terminal: boolean): Promise<{ consumed: number; outcome: Outcome }> {
    const base = seq;
    const metas: StepMeta[] = items.map((a, k) => ({ actionId: a.id, actionType: a.type, path: `${prefix}[${offset + k}]`, seq: base + k }));
    // No single current step: on cancel, the segment's finished steps keep their rows and the rest are skipped.
    const flush = takePending();
    const bookends = { ...takeBegin(), ...(terminal ? { finish: { skipped: skippedRows(new Set(items.map((a) => a.id)), base + items.length) } } : {}) };
    let outcome;
    try {
      outcome = await segmentActivity.runSegment({
        run, trigger: trigger as unknown as Json, steps: results, flush, budgetMs: SEGMENT_BUDGET_MS,
        items: items.map((action, k) => ({ meta: metas[k]!, action })), ...bookends,
      });
    } catch (err) {
      begin ??= bookends.begin ?? null;
      if (isCancellation(err)) throw err;
      // The segment itself broke (not a step): run its first step the ordinary way, with its retry policy.
      pending = [...flush, ...pending];
      const r = await runAction(items[0]!, metas[0]!.path, terminal && items.length === 1);
      return { consumed: 1, outcome: r };
    }
    for (const d of outcome.done) {
      results[d.actionId] = { status: 'completed', output: d.output };
      const m = metas.find((x) => x.actionId === d.actionId)!;
      const view: StepView = { actionId: m.actionId, actionType: m.actionType, path: m.path, status: 'completed', startedAt: d.startedAt, completedAt: d.completedAt };
      views.push(view);
    }
    let consumed = outcome.done.length;
    seq = base + consumed;
    stepsThisRun += consumed;
    if (outcome.finished) return { consumed, outcome: 'finished' };
    if (outcome.failed) {
      const a = items[consumed]!;
      const policy = a.retry ?? DEFAULT_RETRY[a.type as keyof typeof DEFAULT_RETRY];
      let r: Outcome;
      if (outcome.failed.retryable && policy.maxAttempts > 1) {
        // The first attempt ran in the segment; the rest go through the step's own retry policy.
        r = await runAction(a, metas[consumed]!.path, terminal && consumed === items.length - 1);
      } else {
        const meta = { ...metas[consumed]!, seq: seq++ };
        stepsThisRun++;
        r = fail(a, meta, outcome.failed.input, outcome.failed.startedAt, outcome.failed.message, 1);
      }
      consumed++;
      if (r !== 'ok') return { consumed, outcome: r };
    }
    return { consumed, outcome: 'ok' };
  }

  /** `tail`: nothing runs after this list (it is the definition's, or a branch of the run's last action). */
  async function runList(actions: readonly WorkflowAction[], prefix: string, tail: boolean): Promise<Outcome> {
    for (let i = 0; i < actions.length; ) {
      const n = segmentLength(actions, i);
      if (n >= 2) {
        const r = await runSegment(actions.slice(i, i + n), prefix, i, tail && i + n === actions.length);
        i += r.consumed;
        if (r.outcome !== 'ok') return r.outcome;
      } else {
        const r = await runAction(actions[i]!, `${prefix}[${i}]`, tail && i === actions.length - 1);
        if (r !== 'ok') return r;
        i++;
      }
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > historyLimit || info.historySize > HISTORY_BYTES_LIMIT || stepsThisRun >= stepsPerRun) {
        await ensureBegun();
        await plumbing.recordSteps(takePending());
        const next: RunInput = { ...input, executionId, trigger, resume: { fromExecutionId: executionId, steps: { ...reusable, ...results } } };
        await continueAsNew<typeof runWorkflow>(next, { ...options, continued: { executionId, seq } });
      }
    }
    return 'ok';
  }

  /**
   * Rows for every action that never ran (untaken branches, steps after a failure or cancel).
   * `ran` and `from`: computed ahead for a call that may end the run, as if its actions had run.
   */
  function skippedRows(ran: ReadonlySet<string> = new Set(), from = seq): StepWrite[] {
    const rows: StepWrite[] = [];
    let order = from;
    walkActions(input.definition.actions, (a, p) => {
      if (results[a.id] || ran.has(a.id) || current?.action.id === a.id) return;
      const path = p.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : `${acc}.${s}`), 'actions');
      rows.push({ executionId, workspaceId: run.workspaceId, actionId: a.id, actionType: a.type, path, seq: order++, status: 'skipped' });
    });
    return rows;
  }

  const summary = (s: RunSummary['status'], error: string | null): RunSummary => ({ executionId, status: s, error, steps: results });
  let stopError: string | null = null;

  try {
    const outcome = await runList(input.definition.actions, 'actions', true);
    status = outcome === 'stop' ? 'failed' : 'completed';
    if (outcome === 'finished') return summary(status, null);
    await ensureBegun();
    await plumbing.finishRun({ run, status, output: { steps: results } as unknown as Json, error: stopError, flush: [...takePending(), ...skippedRows()] });
    return summary(status, stopError);
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (!isCancellation(err)) {
      // A bug or bad input must end the run visibly, not retry the workflow task forever.
      status = 'failed';
      const message = `the run stopped unexpectedly: ${err instanceof Error ? err.message : String(err)}`;
      await ensureBegun();
      await plumbing.finishRun({ run, status, output: { steps: results } as unknown as Json, error: message, flush: [...takePending(), ...skippedRows()] });
      return summary('failed', message);
    }
    status = 'cancelled';
    // Recording the outcome must survive the cancellation that caused it.
    await CancellationScope.nonCancellable(async () => {
      if (current) write(current.meta, { status: 'cancelled', input: current.input, error: 'cancelled', startedAt: current.startedAt, completedAt: new Date().toISOString() });
      await ensureBegun();
      await plumbing.finishRun({ run, status: 'cancelled', output: { steps: results } as unknown as Json, error: 'cancelled', flush: [...takePending(), ...skippedRows()] });
    });
    throw err;
  }
}
