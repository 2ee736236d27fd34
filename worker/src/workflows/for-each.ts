// The `for_each` action, evaluated by the interpreter: pure like interpreter.ts (no @temporalio
// import), every step of every iteration goes through the interpreter's own list runner, so inner
// steps keep their retry policies, rows, conditions and segments. Each iteration runs in a Scope:
// its `{{item}}`, `{{index}}` and the results of its own steps, on top of the run's.
import type { ForEachAction, Json, StepResult, WorkflowAction } from '@conduit/core/definition';
import type { StepWrite } from '@conduit/core/domain';
import { resolveTemplate, walkActions, type TemplateContext } from '@conduit/core/expressions';
import { childListsOf, placementOf } from '@conduit/core/action-meta';
import type { SegmentOutcome, StepMeta } from './contract';

/** One iteration's view of the run. */
export type Scope = {
  parent: Scope | null;
  item: Json;
  index: number;
  /** Results of this iteration's steps (looked up before the enclosing scopes' and the run's). */
  results: Record<string, StepResult>;
  /** Steps of this iteration finished before a continue-as-new: taken as they are, never run again. */
  reusable: Record<string, StepResult>;
  /** Several iterations of some enclosing loop run at once: no continue-as-new inside this scope. */
  concurrent: boolean;
  /** The output of the step that finished last in this iteration. */
  last?: Json;
};

/** Where a loop stands, carried across continue-as-new under the loop's row path. */
export type LoopPosition = {
  /** Every iteration before this one is finished. */
  next: number;
  results: Json[];
  /** Bytes of `results` as JSON, to cap them. */
  bytes: number;
  /** How many results were left out because of the cap. */
  cut: number;
  /** The loop row's order and start, kept so a continued run does not move it. */
  seq: number;
  startedAt: string;
  /** Steps finished in iteration `next` (set when carried). */
  done?: Record<string, StepResult>;
};

/** The results kept in a loop's output, as JSON; later ones are counted but cut. */
export const LOOP_RESULTS_MAX_BYTES = 64 * 1024;

type Outcome = 'ok' | 'stop' | 'finished';

/** What the loop needs from the interpreter (its list runner, rows and bookkeeping). */
export type LoopHost = {
  ctx(scope: Scope | null): TemplateContext;
  runList(actions: readonly WorkflowAction[], prefix: string, scope: Scope): Promise<Outcome>;
  write(meta: StepMeta, patch: Omit<StepWrite, 'executionId' | 'workspaceId' | 'actionId' | 'actionType' | 'path' | 'seq'>): void;
  setResult(scope: Scope | null, id: string, result: StepResult): void;
  fail(action: WorkflowAction, meta: StepMeta, input: Json, startedAt: string, message: string, scope: Scope | null): 'ok' | 'stop';
  continueAsNewIfDue(scope: Scope | null): Promise<void>;
  /** Open loops by row path: carried across continue-as-new, closed on cancel. */
  loops: Map<string, { position: LoopPosition; meta: StepMeta; active: Scope | null }>;
  /** Positions carried into this run. */
  carried: Record<string, LoopPosition>;
  /** Ids of steps inside loops that ran: they get rows per iteration, never a skipped row of their own. */
  looped: Set<string>;
  stopError(): string | null;
  setStopError(message: string): void;
  /** Steps this Temporal run may still take before it continues as new. */
  stepsLeftThisRun(): number;
  /** Runs the items (steps of several iterations) as one segment; null when the call itself broke. */
  runBatch(items: { meta: StepMeta; action: WorkflowAction; scope: Scope }[], outer: Scope | null): Promise<SegmentOutcome | null>;
};

/** Iterations of an all-local loop run in one segment: at most this many, and within the step budget. */
const BATCH_ITERATIONS = 100;

/** A loop whose steps are all local leaf steps runs several iterations per round trip. */
const batchable = (action: ForEachAction): boolean =>
  action.concurrency === 1 && action.steps.length > 0 && action.steps.every((a) => placementOf(a) === 'local' && childListsOf(a).length === 0);

/** The kind of value a person sees in "… resolved to a text, not a list". */
function kindOf(v: Json | undefined): string {
  if (v === undefined) return 'nothing (the path does not exist)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v)}`;
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Keeps an iteration's output in the loop's results while they fit. */
function keep(p: LoopPosition, output: Json): void {
  const size = JSON.stringify(output ?? null).length + 1;
  if (p.cut === 0 && p.bytes + size <= LOOP_RESULTS_MAX_BYTES) {
    p.results.push(output ?? null);
    p.bytes += size;
  } else p.cut++;
}

export function loopOutput(p: LoopPosition, count: number): Json {
  const out: Record<string, Json> = { count, results: p.results };
  if (p.cut > 0)
    out.truncated = {
      kept: p.results.length,
      total: count,
      note: `only the first ${fmt(p.results.length)} of ${fmt(count)} results are kept (at most ${LOOP_RESULTS_MAX_BYTES / 1024} KB)`,
    };
  return out;
}

/**
 * Runs the loop: resolves `items`, checks it, then the iterations in order (waves of `concurrency`),
 * each one a Scope over the loop's `steps`. Its row shows progress; its output is { count, results }.
 */
export async function runForEach(host: LoopHost, action: ForEachAction, meta: StepMeta, startedAtNow: string, scope: Scope | null): Promise<Outcome> {
  const items = typeof action.items === 'string' ? resolveTemplate(action.items, host.ctx(scope)) : action.items;
  const settings = { concurrency: action.concurrency, maxItems: action.maxItems };
  if (!Array.isArray(items)) {
    const message = `"Items" resolved to ${kindOf(items)}, not a list`;
    return host.fail(action, meta, { items: typeof action.items === 'string' ? action.items : null, ...settings }, startedAtNow, message, scope);
  }
  if (items.length > action.maxItems) {
    const message = `"Items" has ${fmt(items.length)} items; this loop runs at most ${fmt(action.maxItems)} (its "Max items")`;
    return host.fail(action, meta, { count: items.length, ...settings }, startedAtNow, message, scope);
  }
  const carried = host.carried[meta.path];
  const position: LoopPosition = carried
    ? { ...carried, results: [...carried.results] }
    : { next: 0, results: [], bytes: 0, cut: 0, seq: meta.seq, startedAt: startedAtNow };
  // A continued run keeps the row where it was.
  const rowMeta: StepMeta = { ...meta, seq: position.seq };
  const startedAt = position.startedAt;
  const input: Json = { count: items.length, ...settings };
  const open = { position, meta: rowMeta, active: null as Scope | null };
  host.loops.set(meta.path, open);
  if (items.length > 0) walkActions(action.steps, (a) => host.looped.add(a.id));
  host.write(rowMeta, { status: 'running', input, output: { count: items.length, done: position.next }, attempts: 1, startedAt });

  const concurrent = (scope?.concurrent ?? false) || action.concurrency > 1;
  // Steps already finished in iteration `position.next` (carried over continue-as-new, or left by a batch).
  let partial: Record<string, StepResult> | null = carried?.done && Object.keys(carried.done).length ? carried.done : null;
  while (position.next < items.length) {
    if (!partial && batchable(action)) {
      const r = await runBatchFrom(host, action, meta.path, items, position, scope, concurrent);
      partial = r.partial;
      // What a continue-as-new right now must carry of the half-done iteration.
      open.active = partial ? { parent: scope, item: null, index: position.next, results: partial, reusable: {}, concurrent } : null;
      if (r.advanced) {
        // After the last item the loop's caller decides (nothing may be left to run at all).
        if (position.next < items.length) await host.continueAsNewIfDue(scope);
        continue;
      }
    }
    const from = position.next;
    const to = Math.min(items.length, from + action.concurrency);
    const wave: Scope[] = [];
    for (let k = from; k < to; k++)
      wave.push({ parent: scope, item: items[k] ?? null, index: k, results: {}, reusable: k === from ? (partial ?? {}) : {}, concurrent });
    partial = null;
    open.active = wave.length === 1 ? wave[0]! : null;
    const outcomes = await Promise.all(wave.map((s) => host.runList(action.steps, `${meta.path}#${s.index}.steps`, s)));
    const stopped = outcomes.indexOf('stop');
    if (stopped >= 0) {
      const error = `item ${fmt(from + stopped + 1)} of ${fmt(items.length)}: ${host.stopError() ?? 'a step failed'}`;
      host.loops.delete(meta.path);
      host.setResult(scope, action.id, { status: 'failed', error });
      host.setStopError(`step "${action.id}" failed: ${error}`);
      host.write(rowMeta, {
        status: 'failed',
        input,
        output: loopOutput(position, items.length),
        error,
        attempts: 1,
        startedAt,
        completedAt: new Date().toISOString(),
      });
      return 'stop';
    }
    for (const s of wave) keep(position, s.last ?? null);
    position.next = to;
    open.active = null;
    // Between iterations: the place where a long loop continues as new (carrying `position`).
    if (position.next < items.length) await host.continueAsNewIfDue(scope);
  }
  host.loops.delete(meta.path);
  const output = loopOutput(position, items.length);
  host.setResult(scope, action.id, { status: 'completed', output });
  host.write(rowMeta, { status: 'completed', input, output, attempts: 1, startedAt, completedAt: new Date().toISOString() });
  return 'ok';
}

/**
 * Runs fresh iterations from `position.next` as one segment and takes in every iteration it finished
 * whole. An iteration it left half done comes back as `partial` (its finished steps, reused by the
 * ordinary path); when not even one iteration finished (a step failed, or the call broke), that
 * iteration runs the ordinary way: its failing step through its own retry policy and onFailure
 * (a local step that failed runs again once there, which a failed record write or script affords).
 */
async function runBatchFrom(
  host: LoopHost,
  action: ForEachAction,
  path: string,
  items: readonly Json[],
  position: LoopPosition,
  scope: Scope | null,
  concurrent: boolean,
): Promise<{ advanced: boolean; partial: Record<string, StepResult> | null }> {
  const per = action.steps.length;
  const count = Math.min(items.length - position.next, BATCH_ITERATIONS, Math.max(1, Math.floor(host.stepsLeftThisRun() / per)));
  const scopes: Scope[] = [];
  const batch: { meta: StepMeta; action: WorkflowAction; scope: Scope }[] = [];
  for (let k = position.next; k < position.next + count; k++) {
    const s: Scope = { parent: scope, item: items[k] ?? null, index: k, results: {}, reusable: {}, concurrent };
    scopes.push(s);
    action.steps.forEach((a, j) => {
      batch.push({ meta: { actionId: a.id, actionType: a.type, path: `${path}#${k}.steps[${j}]`, seq: 0 }, action: a, scope: s });
    });
  }
  const outcome = await host.runBatch(batch, scope);
  const done = outcome?.done.length ?? 0;
  const whole = Math.floor(done / per);
  for (const s of scopes.slice(0, whole)) keep(position, s.last ?? null);
  position.next += whole;
  const rest = scopes[whole];
  return { advanced: whole > 0, partial: rest && done % per !== 0 ? { ...rest.results } : null };
}

/** The positions of the open loops as continue-as-new carries them (the current iteration's finished steps included). */
export function carryLoops(host: Pick<LoopHost, 'loops'>): Record<string, LoopPosition> {
  const out: Record<string, LoopPosition> = {};
  for (const [path, open] of host.loops) out[path] = { ...open.position, done: { ...(open.active?.reusable ?? {}), ...(open.active?.results ?? {}) } };
  return out;
}

/** `{{steps.…}}` inside an iteration: its own steps first, then the enclosing iterations', then the run's. */
export function stepsIn(scope: Scope | null, run: Record<string, StepResult>): Record<string, StepResult> {
  if (!scope) return run;
  const chain: Record<string, StepResult>[] = [];
  for (let s: Scope | null = scope; s; s = s.parent) chain.unshift(s.results);
  return Object.assign({}, run, ...chain);
}
