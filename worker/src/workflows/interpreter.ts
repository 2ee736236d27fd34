// The interpreter's pure half: no @temporalio import, so it is unit-tested without a server. It decides
// what runs next, keeps results, step rows, skipped rows, the progress view and the continue-as-new
// bookkeeping; every command (activity, timer, continue-as-new) goes through RunCommands, which the
// Temporal shell (run-workflow.ts) implements. Runs inside the workflow sandbox, where `new Date()` and
// `Date.now()` are deterministic. Types only from zod-based modules (see test/workflow-bundle.test.ts).
import type { Json, RetryPolicy, StepResult, TriggerPayload, WorkflowAction } from '@conduit/core/definition';
import type { StepWrite } from '@conduit/core/domain';
import { evaluateCondition, parseDuration, walkActions, type TemplateContext } from '@conduit/core/expressions';
import type { RunInput } from '@conduit/core/temporal';
import { placementOf, receivesRunContext, retryPolicyOf, timeoutMsOf, wouldHaveOf } from '@conduit/core/action-meta';
import { carryLoops, runForEach, stepsIn, type LoopHost, type LoopPosition, type Scope } from './for-each';
import { resolveAction, secretFieldsIn } from './resolve';
import { runApproval, type ApprovalHost } from './approval';
import { asJson } from './contract';
import { runCallWorkflow, type CallCommand, type CallHost, type CallResult } from './call-workflow';
import type {
  BeginInline,
  BeginRun,
  FinishRun,
  Progress,
  RunRef,
  RunSummary,
  SegmentCall,
  SegmentOutcome,
  StepCall,
  StepFailureDetails,
  StepMeta,
  StepOutcome,
  StepView,
  DecisionSignal,
  OpenApprovalCall,
  OpenApprovalResult,
  SettleApproval,
} from './contract';

/** The interpreter's own second argument (never set by callers of RUN_WORKFLOW in production). */
export type RunOptions = {
  /** Set across continue-as-new: the execution exists and its finished steps are already recorded. */
  continued?: { executionId: string; seq: number; loops?: Record<string, LoopPosition> };
  /** History length after which the run continues as new; tests lower it. */
  historyLimit?: number;
  /**
   * Steps run by one Temporal run before it continues as new. Local activities inside one workflow
   * task do not show in historyLength until the task ends, so this bounds the history directly.
   */
  stepsPerRun?: number;
};

// Temporal delays a continued run's first task until its previous run is a second old
// (the server's history.continueAsNewMinInterval, 1 s by default), so a run that
// continues sooner waits out the rest of that second: at 250 steps per run, a loop of 1,000 quick
// update_record items spent 3 of its 4 s there. 2,000 steps take over a second even at 0.5 ms each.
const STEPS_PER_RUN = 2_000;
/**
 * Bytes of local steps' outputs after which the run continues as new. Their results are markers,
 * and one workflow task can hold thousands of quick ones: its completion carries them all in one
 * gRPC message, which Temporal refuses over 4 MB (the run is then terminated). historySize would
 * only tell once the task has ended. Continue-as-new carries the run's results, but over 128 KB as
 * a key to the database (core/src/temporal-codec/offload.ts), so it does not add them again.
 */
const RESULT_BYTES_PER_RUN = 2 * 1024 * 1024;

// Every type that runs as an activity declares its retry and timeout (core/test/registries.test.ts);
// these fallbacks only give the types a value for the ones that do not run as activities.
const ONE_ATTEMPT: RetryPolicy = { maxAttempts: 1, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 10_000 };
const DEFAULT_TIMEOUT_MS = 30_000;
const effectPolicy = (a: WorkflowAction): RetryPolicy => retryPolicyOf(a) ?? ONE_ATTEMPT;
/** A segment returns after this much wall time so cancels and history checks are not held up. */
export const SEGMENT_BUDGET_MS = 1_000;
/** …or once its results reach this many bytes: they become one marker, and Temporal refuses a payload over 2 MB. */
export const SEGMENT_BUDGET_BYTES = 512 * 1024;

/** An activity call that failed (not cancelled): what the shell makes of the failure. */
export class CallFailed extends Error {
  constructor(
    message: string,
    readonly details?: StepFailureDetails,
  ) {
    super(message);
  }
}

/**
 * The commands the interpreter issues. The shell throws CallFailed for a failed call and rethrows
 * anything else (a cancellation) as it came.
 */
export type RunCommands = {
  runStep(call: StepCall, placement: 'local' | 'activity', policy: RetryPolicy, startToCloseMs: number): Promise<StepOutcome>;
  runSegment(call: SegmentCall): Promise<SegmentOutcome>;
  beginRun(b: BeginRun): Promise<void>;
  recordSteps(rows: StepWrite[]): Promise<void>;
  finishRun(f: FinishRun): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** Temporal's own reasons to continue as new (history length or size, the server's suggestion). */
  historyFull(): boolean;
  continueAsNew(next: RunInput, options: RunOptions): Promise<never>;
  /** A call_workflow step: prepare, start the child workflow, wait for it when asked (call-workflow.ts). */
  callWorkflow(c: CallCommand): Promise<CallResult>;
  /** wait_for_approval (see approval.ts): the activity that opens it, the signal-or-timer wait, the settle on timeout. */
  openApproval(call: OpenApprovalCall): Promise<OpenApprovalResult>;
  awaitDecision(approvalId: string, ms: number): Promise<DecisionSignal | null>;
  settleApproval(s: SettleApproval): Promise<DecisionSignal | null>;
};

/** 'finished': the last effect call also ended the execution (see FinishIfDone). */
export type Outcome = 'ok' | 'stop' | 'finished';
type Current = { action: WorkflowAction; meta: StepMeta; input: Json | null; startedAt: string };
type RowPatch = Omit<StepWrite, 'executionId' | 'workspaceId' | 'actionId' | 'actionType' | 'path' | 'seq'>;

/** A wait's length from its resolved fields: `until` in the past is 0; `until` that is not a date-time is an error. */
export function waitMs(resolved: Record<string, Json>, now: number): { ms: number; error: string | null } {
  if (typeof resolved.duration === 'string') return { ms: parseDuration(resolved.duration) ?? 0, error: null };
  const until = Date.parse(String(resolved.until ?? ''));
  if (Number.isNaN(until)) return { ms: 0, error: `"until" resolved to ${JSON.stringify(resolved.until ?? null)}, which is not a date-time` };
  return { ms: Math.max(0, until - now), error: null };
}

/** `path` of a definition walk as the step rows spell it: actions[1].then[0]. */
const pathOf = (p: readonly (string | number)[]) => p.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : `${acc}.${s}`), 'actions');

const branchOf = (r: StepResult): 'then' | 'else' => ((r.output as { branch?: string } | undefined)?.branch === 'then' ? 'then' : 'else');

/**
 * Runs a pinned definition step by step. Conditions, waits and templating are evaluated here
 * (deterministic); effects are commands. Every step leaves a row; steps that never ran are marked
 * skipped at the end.
 */
export class Interpreter {
  readonly executionId: string;
  readonly results: Record<string, StepResult> = {};
  readonly views: StepView[] = [];
  status: Progress['status'] = 'running';
  private readonly run: RunRef;
  private readonly temporalWorkflowId: string;
  private readonly trigger: TriggerPayload;
  private readonly fresh: boolean;
  private readonly stepsPerRun: number;
  /** Steps reused from a retried run (completed only) or carried over continue-as-new (every finished one). */
  private readonly reusable: Record<string, StepResult> = {};
  private pending: StepWrite[] = [];
  private seq: number;
  private stepsThisRun = 0;
  private resultBytesThisRun = 0;
  private current: Current | null = null;
  private stopError: string | null = null;
  /** Not yet sent: the execution is still `pending` in the database. It rides with the first effect call. */
  private begin: BeginInline | null = null;
  /** What for-each.ts needs of this interpreter; its open loops ride across continue-as-new. */
  private readonly loopHost: LoopHost;

  constructor(
    private readonly input: RunInput,
    private readonly options: RunOptions,
    ids: { executionId: string; temporalWorkflowId: string },
    private readonly commands: RunCommands,
  ) {
    const continuation = options.continued;
    this.fresh = !continuation;
    this.stepsPerRun = options.stepsPerRun ?? STEPS_PER_RUN;
    this.executionId = ids.executionId;
    this.temporalWorkflowId = ids.temporalWorkflowId;
    this.seq = continuation?.seq ?? 0;
    this.trigger = input.trigger ?? scheduleTrigger(input);
    this.run = {
      executionId: ids.executionId,
      workspaceId: input.workspaceId,
      workflowId: input.workflowId,
      causation: input.causation,
      ...(input.dryRun ? { dryRun: true as const } : {}),
    };
    for (const [id, r] of Object.entries(input.resume?.steps ?? {})) if (!this.fresh || r.status === 'completed') this.reusable[id] = r;
    this.loopHost = {
      ctx: (scope) => this.ctx(scope),
      runList: (actions, prefix, scope) => this.runList(actions, prefix, false, scope),
      write: (meta, patch) => this.write(meta, patch),
      setResult: (scope, id, r) => this.setResult(scope, id, r),
      fail: (action, meta, input, startedAt, message, scope) => this.fail(action, meta, input, startedAt, message, 1, scope),
      continueAsNewIfDue: (scope) => this.continueAsNewIfDue(scope),
      loops: new Map(),
      carried: continuation?.loops ?? {},
      looped: new Set(),
      stopError: () => this.stopError,
      setStopError: (message) => {
        this.stopError = message;
      },
      stepsLeftThisRun: () => this.stepsPerRun - this.stepsThisRun,
      runBatch: (items, scope) => this.runBatch(items, scope),
    };
    if (this.fresh) {
      // Schedule fires have no execution row yet: the run creates it.
      const trigger = this.trigger;
      this.begin = {
        versionId: input.versionId,
        startedAt: new Date().toISOString(),
        ...(input.executionId ? {} : { createExecution: { trigger, input: asJson({ trigger }), temporalWorkflowId: ids.temporalWorkflowId } }),
      };
    }
  }

  /** The progress query's answer. */
  progress(): Progress {
    return { executionId: this.executionId, status: this.status, steps: this.views };
  }

  /** Runs the definition to its end and records the outcome (unless the last effect call already did). */
  async execute(): Promise<RunSummary> {
    const outcome = await this.runList(this.input.definition.actions, 'actions', true);
    this.status = outcome === 'stop' ? 'failed' : 'completed';
    if (outcome === 'finished') return this.summary(this.status, null);
    await this.finish(this.status, this.stopError);
    return this.summary(this.status, this.stopError);
  }

  /** A bug or bad input must end the run visibly, not retry the workflow task forever. */
  async stopUnexpectedly(err: unknown): Promise<RunSummary> {
    this.status = 'failed';
    const message = `the run stopped unexpectedly: ${err instanceof Error ? err.message : String(err)}`;
    await this.finish('failed', message);
    return this.summary('failed', message);
  }

  /** After a cancel: the current step is cancelled, the rest skipped. The shell runs this in a non-cancellable scope. */
  async recordCancel(): Promise<void> {
    this.status = 'cancelled';
    const c = this.current;
    if (c) this.write(c.meta, { status: 'cancelled', input: c.input, error: 'cancelled', startedAt: c.startedAt, completedAt: new Date().toISOString() });
    // Loops stop between items: their rows say how far they got.
    for (const { meta, position } of this.loopHost.loops.values())
      this.write(meta, {
        status: 'cancelled',
        output: { done: position.next },
        error: 'cancelled',
        startedAt: position.startedAt,
        completedAt: new Date().toISOString(),
      });
    await this.finish('cancelled', 'cancelled');
  }

  private async finish(status: FinishRun['status'], error: string | null): Promise<void> {
    await this.ensureBegun();
    await this.commands.finishRun({
      run: this.run,
      status,
      output: asJson({ steps: this.results }),
      error,
      flush: [...this.takePending(), ...this.skippedRows()],
    });
  }

  private summary(status: RunSummary['status'], error: string | null): RunSummary {
    return { executionId: this.executionId, status, error, steps: this.results };
  }

  private ctx(scope: Scope | null = null): TemplateContext {
    if (!scope) return { trigger: this.trigger, steps: this.results };
    return { trigger: this.trigger, steps: stepsIn(scope, this.results), item: scope.item, index: scope.index };
  }

  /** A step's result: the run's, or inside a loop its iteration's (the output also becomes the iteration's last). */
  private setResult(scope: Scope | null, id: string, r: StepResult): void {
    if (!scope) {
      this.results[id] = r;
      return;
    }
    scope.results[id] = r;
    scope.last = r.output ?? null;
  }

  private takePending(): StepWrite[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  private takeBegin(): { begin?: BeginInline } {
    const b = this.begin;
    this.begin = null;
    return b ? { begin: b } : {};
  }

  /** Before a plumbing write when no effect call has carried the begin yet (waits, runs without effects, failures). */
  private async ensureBegun(): Promise<void> {
    if (!this.begin) return;
    const b = this.begin;
    await this.commands.beginRun({ run: this.run, ...b, flush: [] });
    this.begin = null;
  }

  /** Queues a step row for the next command and updates the progress view. */
  private write(meta: StepMeta, patch: RowPatch): void {
    this.pending.push({
      executionId: this.executionId,
      workspaceId: this.run.workspaceId,
      actionId: meta.actionId,
      actionType: meta.actionType,
      path: meta.path,
      seq: meta.seq,
      ...patch,
    });
    const view: StepView = { actionId: meta.actionId, actionType: meta.actionType, path: meta.path, status: patch.status };
    if (patch.error) view.error = patch.error;
    if (patch.startedAt) view.startedAt = String(patch.startedAt);
    if (patch.completedAt) view.completedAt = String(patch.completedAt);
    this.setView(view);
  }

  /** Adds what a local call returned to the bytes its markers hold (see RESULT_BYTES_PER_RUN). */
  private countResults(outputs: readonly Json[]): void {
    for (const o of outputs) this.resultBytesThisRun += JSON.stringify(o ?? null).length;
  }

  private setView(view: StepView): void {
    const i = this.views.findIndex((v) => v.actionId === view.actionId);
    if (i >= 0) this.views[i] = view;
    else this.views.push(view);
  }

  /**
   * `tail`: nothing runs after this list (it is the definition's, or a branch of the run's last action).
   * `scope`: the list is a loop's steps, run for one item (see for-each.ts).
   */
  private async runList(actions: readonly WorkflowAction[], prefix: string, tail: boolean, scope: Scope | null = null): Promise<Outcome> {
    for (let i = 0; i < actions.length; ) {
      const n = this.segmentLength(actions, i, scope);
      if (n >= 2) {
        const r = await this.runSegment(actions.slice(i, i + n), prefix, i, tail && i + n === actions.length, scope);
        i += r.consumed;
        if (r.outcome !== 'ok') return r.outcome;
      } else {
        const r = await this.runAction(actions[i]!, `${prefix}[${i}]`, tail && i === actions.length - 1, scope);
        if (r !== 'ok') return r;
        i++;
      }
      // At the run's end there is nothing left to carry into a new run.
      if (!(tail && i === actions.length)) await this.continueAsNewIfDue(scope);
    }
    return 'ok';
  }

  private async continueAsNewIfDue(scope: Scope | null = null): Promise<void> {
    // Iterations running side by side have no single position to carry: their loop checks between waves.
    if (scope?.concurrent) return;
    if (!this.commands.historyFull() && this.stepsThisRun < this.stepsPerRun && this.resultBytesThisRun < RESULT_BYTES_PER_RUN) return;
    await this.ensureBegun();
    await this.commands.recordSteps(this.takePending());
    const { executionId, trigger, seq } = this;
    const next: RunInput = { ...this.input, executionId, trigger, resume: { fromExecutionId: executionId, steps: { ...this.reusable, ...this.results } } };
    const loops = carryLoops(this.loopHost);
    await this.commands.continueAsNew(next, { ...this.options, continued: { executionId, seq, ...(Object.keys(loops).length ? { loops } : {}) } });
  }

  /** Steps to take as they are instead of running: the run's, or inside a loop the iteration's. */
  private reusableIn(scope: Scope | null): Record<string, StepResult> {
    return scope ? scope.reusable : this.reusable;
  }

  /** How many actions from `i` on can run as one segment: consecutive, local, not reused. */
  private segmentLength(actions: readonly WorkflowAction[], i: number, scope: Scope | null): number {
    let n = 0;
    while (i + n < actions.length && this.stepsThisRun + n < this.stepsPerRun) {
      const a = actions[i + n]!;
      if (this.reusableIn(scope)[a.id] || placementOf(a) !== 'local') break;
      n++;
    }
    return n;
  }

  /**
   * `last`: nothing runs after this action, so its call may end the run (see FinishIfDone).
   * 'finished' means the activity did, and the workflow only returns.
   */
  private async runAction(action: WorkflowAction, path: string, last: boolean, scope: Scope | null = null): Promise<Outcome> {
    const meta: StepMeta = { actionId: action.id, actionType: action.type, path, seq: 0 };
    const reused = this.reusableIn(scope)[action.id];
    if (reused) return this.reuse(action, meta, reused, last, scope);
    meta.seq = this.seq++;
    this.stepsThisRun++;
    const startedAt = new Date().toISOString();
    if (action.type === 'condition') return this.runCondition(action, meta, startedAt, last, scope);
    if (action.type === 'wait') return this.runWait(action, meta, startedAt, scope);
    if (action.type === 'for_each') return runForEach(this.loopHost, action, meta, startedAt, scope);
    if (action.type === 'call_workflow') return runCallWorkflow(this.callHost(), action, meta, startedAt);
    if (action.type === 'wait_for_approval') return runApproval(this.approvalHost(action), action, meta, startedAt);
    return this.runEffect(action, meta, startedAt, last, scope);
  }

  private reuse(action: WorkflowAction, meta: StepMeta, reused: StepResult, last: boolean, scope: Scope | null): Promise<Outcome> | Outcome {
    this.setResult(scope, action.id, reused);
    // Inside a loop the reused step already has its row from this execution.
    if (this.fresh && !scope) {
      meta.seq = this.seq++;
      this.write(meta, {
        status: reused.status,
        output: reused.output ?? null,
        error: reused.error ?? null,
        input: { reusedFrom: this.input.resume?.fromExecutionId ?? null },
      });
    }
    if (action.type !== 'condition') return 'ok';
    const branch = branchOf(reused);
    return this.runList(branch === 'then' ? action.then : action.else, `${meta.path}.${branch}`, last, scope);
  }

  private runCondition(
    action: Extract<WorkflowAction, { type: 'condition' }>,
    meta: StepMeta,
    startedAt: string,
    last: boolean,
    scope: Scope | null,
  ): Promise<Outcome> {
    const { result, trace } = evaluateCondition(action.if, this.ctx(scope));
    const branch = result ? 'then' : 'else';
    const output: Json = { branch, result, trace: asJson(trace) };
    this.setResult(scope, action.id, { status: 'completed', output });
    this.write(meta, { status: 'completed', input: { if: asJson(action.if) }, output, attempts: 1, startedAt, completedAt: startedAt });
    return this.runList(result ? action.then : action.else, `${meta.path}.${branch}`, last, scope);
  }

  private async runWait(action: Extract<WorkflowAction, { type: 'wait' }>, meta: StepMeta, startedAt: string, scope: Scope | null): Promise<Outcome> {
    const resolved = resolveAction(action, this.ctx(scope));
    const { ms, error } = waitMs(resolved, Date.now());
    if (error) return this.fail(action, meta, resolved, startedAt, error, 1, scope);
    this.current = { action, meta, input: resolved, startedAt };
    this.write(meta, { status: 'running', input: resolved, attempts: 1, startedAt });
    // The running row is written before the timer so the timeline shows the wait as it happens.
    await this.ensureBegun();
    await this.commands.recordSteps(this.takePending());
    if (ms > 0) await this.commands.sleep(ms);
    this.current = null;
    const completedAt = new Date().toISOString();
    const output: Json = { waitedMs: ms, until: new Date(Date.parse(startedAt) + ms).toISOString() };
    this.setResult(scope, action.id, { status: 'completed', output });
    this.write(meta, { status: 'completed', input: resolved, output, attempts: 1, startedAt, completedAt });
    return 'ok';
  }

  /** What a call_workflow step (call-workflow.ts) needs of the run. */
  private callHost(): CallHost {
    return {
      run: this.run,
      ctx: () => this.ctx(),
      markRunning: async (meta, input, startedAt, action) => {
        this.current = { action, meta, input, startedAt };
        this.write(meta, { status: 'running', input, attempts: 1, startedAt });
        await this.ensureBegun();
        await this.commands.recordSteps(this.takePending());
      },
      complete: (meta, input, output, startedAt) => {
        this.current = null;
        this.results[meta.actionId] = { status: 'completed', output };
        this.write(meta, { status: 'completed', input, output, attempts: 1, startedAt, completedAt: new Date().toISOString() });
      },
      fail: (action, meta, input, startedAt, message) => this.fail(action, meta, input, startedAt, message, 1),
      call: (c) => this.commands.callWorkflow(c),
    };
  }

  /** What a wait_for_approval step may do with the run (approval.ts). */
  private approvalHost(action: WorkflowAction): ApprovalHost {
    const c = this.commands;
    return {
      run: this.run,
      temporalWorkflowId: this.temporalWorkflowId,
      wouldHave: wouldHaveOf(action.type) ?? '',
      resolve: (a) => resolveAction(a, this.ctx()),
      markRunning: async (meta, input, startedAt) => {
        this.current = { action, meta, input, startedAt };
        this.write(meta, { status: 'running', input, attempts: 1, startedAt });
        await this.ensureBegun();
        await c.recordSteps(this.takePending());
      },
      complete: (meta, input, output, startedAt) => {
        this.current = null;
        this.results[action.id] = { status: 'completed', output };
        this.write(meta, { status: 'completed', input, output, attempts: 1, startedAt, completedAt: new Date().toISOString() });
      },
      fail: (meta, input, startedAt, message) => this.fail(action, meta, input, startedAt, message, 1),
      isCallFailed: (err): err is CallFailed => err instanceof CallFailed,
      openApproval: (call) => c.openApproval(call),
      awaitDecision: (id, ms) => c.awaitDecision(id, ms),
      settleApproval: (id, at) => c.settleApproval({ run: this.run, approvalId: id, at }),
    };
  }

  /** One effect in its own activity call; the queued rows, the begin and (when `last`) the finish ride with it. */
  private async runEffect(action: WorkflowAction, meta: StepMeta, startedAt: string, last: boolean, scope: Scope | null): Promise<Outcome> {
    const resolved = resolveAction(action, this.ctx(scope));
    this.current = { action, meta, input: resolved, startedAt };
    const placement = placementOf(action) === 'activity' ? 'activity' : 'local';
    const policy = effectPolicy(action);
    const scriptInput = receivesRunContext(action.type)
      ? { trigger: asJson(this.trigger), steps: asJson(stepsIn(scope, this.results)), ...(scope ? { item: scope.item, index: scope.index } : {}) }
      : undefined;
    const secrets = secretFieldsIn(action, this.ctx(scope));
    const finish = last ? { finish: { steps: { ...this.results }, skipped: this.skippedRows(new Set([action.id]), this.seq) } } : {};
    const call: StepCall = {
      run: this.run,
      step: meta,
      action: resolved,
      flush: this.takePending(),
      remote: placement === 'activity',
      ...(scriptInput ? { scriptInput } : {}),
      ...(secrets.length > 0 ? { secrets } : {}),
      ...this.takeBegin(),
      ...finish,
    };
    let outcome: StepOutcome;
    try {
      outcome = await this.commands.runStep(call, placement, policy, timeoutMsOf(action) ?? DEFAULT_TIMEOUT_MS);
    } catch (err) {
      // The begin may not have happened (idempotent, so it is sent again); a cancelled run records it too.
      this.begin ??= call.begin ?? null;
      if (!(err instanceof CallFailed)) throw err;
      // Rows the activity never wrote (it failed before writing) must not be lost.
      this.pending = [...call.flush, ...this.pending];
      return this.fail(
        action,
        meta,
        resolved,
        err.details?.startedAt ?? startedAt,
        err.message,
        err.details?.attempt ?? policy.maxAttempts,
        scope,
        err.details?.completedAt,
      );
    }
    // A remote activity's result is recorded by the server, not in this task's completion.
    if (placement === 'local') this.countResults([outcome.output]);
    this.current = null;
    this.setResult(scope, action.id, { status: 'completed', output: outcome.output });
    // The activity already wrote this row; the view is for the progress query.
    this.setView({
      actionId: action.id,
      actionType: action.type,
      path: meta.path,
      status: 'completed',
      startedAt: outcome.startedAt,
      completedAt: outcome.completedAt,
    });
    return outcome.finished ? 'finished' : 'ok';
  }

  private fail(
    action: WorkflowAction,
    meta: StepMeta,
    resolved: Json,
    startedAt: string,
    message: string,
    attempts: number,
    scope: Scope | null = null,
    /** The end on the clock that gave `startedAt` (an activity's); else the workflow's own now. */
    endedAt?: string,
  ): 'ok' | 'stop' {
    this.current = null;
    const completedAt = endedAt ?? new Date().toISOString();
    if (action.onFailure === 'continue') {
      // The error becomes the step's output so later steps can branch on it.
      const output: Json = { error: message };
      this.setResult(scope, action.id, { status: 'failed', output, error: message });
      this.write(meta, { status: 'failed', input: resolved, output, error: message, attempts, startedAt, completedAt });
      return 'ok';
    }
    this.setResult(scope, action.id, { status: 'failed', error: message });
    this.write(meta, { status: 'failed', input: resolved, error: message, attempts, startedAt, completedAt });
    this.stopError = `step "${action.id}" failed: ${message}`;
    return 'stop';
  }

  /** Consecutive local steps in one call. `terminal`: the items are the run's last actions. */
  private async runSegment(
    items: readonly WorkflowAction[],
    prefix: string,
    offset: number,
    terminal: boolean,
    scope: Scope | null,
  ): Promise<{ consumed: number; outcome: Outcome }> {
    const base = this.seq;
    const metas: StepMeta[] = items.map((a, k) => ({ actionId: a.id, actionType: a.type, path: `${prefix}[${offset + k}]`, seq: base + k }));
    // No single current step: on cancel, the segment's finished steps keep their rows and the rest are skipped.
    const flush = this.takePending();
    const bookends = {
      ...this.takeBegin(),
      ...(terminal ? { finish: { skipped: this.skippedRows(new Set(items.map((a) => a.id)), base + items.length) } } : {}),
    };
    let outcome: SegmentOutcome;
    try {
      outcome = await this.commands.runSegment({
        run: this.run,
        trigger: asJson(this.trigger),
        steps: stepsIn(scope, this.results),
        ...(scope ? { scope: { item: scope.item, index: scope.index } } : {}),
        flush,
        budgetMs: SEGMENT_BUDGET_MS,
        budgetBytes: SEGMENT_BUDGET_BYTES,
        items: items.map((action, k) => ({ meta: metas[k]!, action })),
        ...bookends,
      });
    } catch (err) {
      this.begin ??= bookends.begin ?? null;
      if (!(err instanceof CallFailed)) throw err;
      // The segment itself broke (not a step): run its first step the ordinary way, with its retry policy.
      this.pending = [...flush, ...this.pending];
      const r = await this.runAction(items[0]!, metas[0]!.path, terminal && items.length === 1, scope);
      return { consumed: 1, outcome: r };
    }
    this.countResults(outcome.done.map((d) => d.output));
    return this.afterSegment(items, metas, outcome, terminal, scope);
  }

  /**
   * Several iterations of a loop whose steps are all local, in one segment (for-each.ts decides).
   * Returns what finished, with seq and the step budget accounted; null when the call itself broke.
   */
  private async runBatch(items: { meta: StepMeta; action: WorkflowAction; scope: Scope }[], outer: Scope | null): Promise<SegmentOutcome | null> {
    const base = this.seq;
    items.forEach((x, k) => {
      x.meta.seq = base + k;
    });
    const flush = this.takePending();
    const begin = this.takeBegin();
    let outcome: SegmentOutcome;
    try {
      outcome = await this.commands.runSegment({
        run: this.run,
        trigger: asJson(this.trigger),
        steps: stepsIn(outer, this.results),
        flush,
        budgetMs: SEGMENT_BUDGET_MS,
        budgetBytes: SEGMENT_BUDGET_BYTES,
        items: items.map(({ meta, action, scope }) => ({ meta, action, scope: { item: scope.item, index: scope.index } })),
        ...begin,
      });
    } catch (err) {
      this.begin ??= begin.begin ?? null;
      if (!(err instanceof CallFailed)) throw err;
      this.pending = [...flush, ...this.pending];
      return null;
    }
    this.countResults(outcome.done.map((d) => d.output));
    outcome.done.forEach((d, k) => {
      const { meta, scope } = items[k]!;
      this.setResult(scope, d.actionId, { status: 'completed', output: d.output });
      this.setView({
        actionId: d.actionId,
        actionType: meta.actionType,
        path: meta.path,
        status: 'completed',
        startedAt: d.startedAt,
        completedAt: d.completedAt,
      });
    });
    this.seq = base + outcome.done.length;
    this.stepsThisRun += outcome.done.length;
    return outcome;
  }

  /** Takes in what the segment finished; a failed step goes on through its retry policy or fails here. */
  private async afterSegment(
    items: readonly WorkflowAction[],
    metas: StepMeta[],
    outcome: SegmentOutcome,
    terminal: boolean,
    scope: Scope | null,
  ): Promise<{ consumed: number; outcome: Outcome }> {
    for (const d of outcome.done) {
      this.setResult(scope, d.actionId, { status: 'completed', output: d.output });
      const m = metas.find((x) => x.actionId === d.actionId)!;
      this.setView({
        actionId: m.actionId,
        actionType: m.actionType,
        path: m.path,
        status: 'completed',
        startedAt: d.startedAt,
        completedAt: d.completedAt,
      });
    }
    let consumed = outcome.done.length;
    this.seq = metas[0]!.seq + consumed;
    this.stepsThisRun += consumed;
    if (outcome.finished) return { consumed, outcome: 'finished' };
    const failed = outcome.failed;
    if (!failed) return { consumed, outcome: 'ok' };
    const a = items[consumed]!;
    let r: Outcome;
    if (failed.retryable && effectPolicy(a).maxAttempts > 1) {
      // The first attempt ran in the segment; the rest go through the step's own retry policy.
      r = await this.runAction(a, metas[consumed]!.path, terminal && consumed === items.length - 1, scope);
    } else {
      const meta = { ...metas[consumed]!, seq: this.seq++ };
      this.stepsThisRun++;
      r = this.fail(a, meta, failed.input, failed.startedAt, failed.message, 1, scope, failed.completedAt);
    }
    consumed++;
    return { consumed, outcome: r };
  }

  /**
   * Rows for every action that never ran (untaken branches, steps after a failure or cancel).
   * `ran` and `from`: computed ahead for a call that may end the run, as if its actions had run.
   */
  private skippedRows(ran: ReadonlySet<string> = new Set(), from = this.seq): StepWrite[] {
    const rows: StepWrite[] = [];
    let order = from;
    walkActions(this.input.definition.actions, (a, p) => {
      if (this.results[a.id] || ran.has(a.id) || this.current?.action.id === a.id) return;
      // Steps of loops that ran have rows per iteration; an open loop (cancelled) has its own row.
      if (this.loopHost.looped.has(a.id) || this.loopHost.loops.has(pathOf(p))) return;
      rows.push({
        executionId: this.executionId,
        workspaceId: this.run.workspaceId,
        actionId: a.id,
        actionType: a.type,
        path: pathOf(p),
        seq: order++,
        status: 'skipped',
      });
    });
    return rows;
  }
}

function scheduleTrigger(input: RunInput): TriggerPayload {
  const tz = input.definition.trigger.type === 'schedule' ? input.definition.trigger.timezone : 'UTC';
  return { kind: 'schedule', scheduledAt: new Date().toISOString(), timezone: tz };
}
