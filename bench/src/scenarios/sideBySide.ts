import { closedLoop, type ClosedLoopResult } from '../load/closedLoop';
import { runAutocannon, type LoadResult } from '../load/autocannon';
import { EMBEDDED, QUEUE_MODE, type Row } from '../report/model';
import { median, summarize } from '../stats';
import { postHook, type ConduitApi } from '../targets/conduit/api';
import { measureCpu } from '../cpu';
import { conduitCpuTargets, countStatements, historyCounts, topStatements, resetStatements, stageBreakdown, type Timed } from '../targets/conduit/costs';
import { nowMs, openCompletionObserver, type Completions } from '../targets/conduit/observer';
import type { EmbeddedStack } from '../targets/conduit/stack';
import { N8N_PATHS } from '../targets/n8n/workflows';
import { startN8nQueue } from '../targets/n8n/queue';
import type { N8nServer } from '../targets/n8n/server';
import { findRedisServer } from '../targets/redis';
import type { CpuTarget } from '../cpu';
import type { Ctx } from './context';
import { sinkRecords, withConduit, withEmbedded, type EmbeddedSession, type Session } from './conduitSession';
import { webhookSteps, webhookToUpdate, type StepKind } from './definitions';

/*
 * Scenarios 1–3, Conduit (A) and n8n (B) alternating A/B/A/B, so slow drift of the machine
 * affects both sides alike. Conduit gets a fresh stack per measurement of scenario 1 (its
 * accepted requests leave a backlog of runs that must not slow the next measurement).
 */

const INGRESS = '1. Webhook ingress (accepted requests)';
const E2E = '2. End to end: webhook → update_record → run completed';
const STEPS = '3. 40 sequential light steps in one run';

const STEP_KINDS: StepKind[] = ['update_record', 'run_script'];
const N8N_STEPS_VARIANT = '40 × Code node';

/** Conduit on PostgreSQL, Conduit as `npm start` runs it, n8n regular, n8n queue mode. */
type Collected = { conduit: Map<string, unknown[]>; embedded: Map<string, unknown[]>; n8n: Map<string, unknown[]>; n8nQueue: Map<string, unknown[]> };

function push<T>(m: Map<string, unknown[]>, key: string, v: T): void {
  m.set(key, [...(m.get(key) ?? []), v]);
}

/** Makes a failed measurement count as errors in its row rather than abort the other scenarios. */
async function guarded<T>(ctx: Ctx, what: string, fn: () => Promise<T>, failures: string[]): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    const msg = `${what}: ${(e as Error).message}`;
    ctx.log(`  FAILED ${msg}`);
    failures.push(msg);
    return undefined;
  }
}

export async function runSideBySide(ctx: Ctx, which: { ingress: boolean; e2e: boolean; steps: boolean }): Promise<string[]> {
  const failures: string[] = [];
  const got: Collected = { conduit: new Map(), embedded: new Map(), n8n: new Map(), n8nQueue: new Map() };
  const p = ctx.profile;
  // n8n's queue mode needs redis-server; without it that row is skipped and the report says why.
  const redisBin = findRedisServer();
  if (which.e2e && ctx.n8n && !redisBin) {
    const why = 'n8n queue mode was not measured: redis-server is not installed (Debian: `apt-get install redis-server`, or set REDIS_SERVER).';
    ctx.log(why);
    ctx.notes.push(why);
  }
  for (let round = 1; round <= p.rounds; round++) {
    if (which.ingress) {
      for (const c of p.ingress.concurrencies) {
        ctx.log(`[round ${round}] 1. ingress c=${c}: conduit`);
        const a = await guarded(ctx, `ingress c=${c} conduit`, () => ingressConduit(ctx, c), failures);
        if (a) push(got.conduit, `ingress:${c}`, a);
        if (ctx.n8n) {
          ctx.log(`[round ${round}] 1. ingress c=${c}: n8n`);
          const b = await guarded(ctx, `ingress c=${c} n8n`, () => ingressN8n(ctx, c), failures);
          if (b) push(got.n8n, `ingress:${c}`, b);
        }
      }
      for (const c of p.embeddedIngress) {
        ctx.log(`[round ${round}] 1. ingress c=${c}: conduit as \`npm start\` runs it`);
        const a = await guarded(ctx, `ingress c=${c} npm start`, () => ingressEmbedded(ctx, c), failures);
        if (a) push(got.embedded, `ingress:${c}`, a);
      }
    }
    if (which.e2e || which.steps) {
      ctx.log(`[round ${round}] 2–3. conduit`);
      await guarded(
        ctx,
        'scenarios 2–3 conduit',
        () =>
          withConduit(ctx, async (s) => {
            if (which.e2e) {
              for (const c of p.e2e.concurrencies) {
                const r = await guarded(ctx, `e2e c=${c} conduit`, () => e2eConduit(ctx, s, c), failures);
                if (r) push(got.conduit, `e2e:${c}`, r);
              }
            }
            if (which.steps) {
              for (const kind of STEP_KINDS) {
                const r = await guarded(ctx, `steps ${kind} conduit`, () => stepsConduit(ctx, s, kind), failures);
                if (r) push(got.conduit, `steps:${kind}`, r);
              }
            }
          }),
        failures,
      );
      if (which.e2e) {
        ctx.log(`[round ${round}] 2. conduit as \`npm start\` runs it`);
        await guarded(
          ctx,
          'scenario 2 npm start',
          () =>
            withEmbedded(ctx, async (s) => {
              for (const c of p.e2e.concurrencies) {
                const r = await guarded(ctx, `e2e c=${c} npm start`, () => e2eEmbedded(ctx, s, c), failures);
                if (r) push(got.embedded, `e2e:${c}`, r);
              }
            }),
          failures,
        );
      }
      if (ctx.n8n) {
        ctx.log(`[round ${round}] 2–3. n8n`);
        if (which.e2e) {
          for (const c of p.e2e.concurrencies) {
            const r = await guarded(ctx, `e2e c=${c} n8n`, () => e2eN8n(ctx, c), failures);
            if (r) push(got.n8n, `e2e:${c}`, r);
          }
        }
        if (which.steps) {
          const r = await guarded(ctx, 'steps n8n', () => stepsN8n(ctx), failures);
          if (r) push(got.n8n, 'steps:n8n', r);
        }
      }
      const install = ctx.n8nInstall;
      if (which.e2e && ctx.n8n && install && redisBin) {
        ctx.log(`[round ${round}] 2. n8n queue mode: starting Redis, n8n main and worker`);
        await guarded(
          ctx,
          'scenario 2 n8n queue mode',
          async () => {
            const q = await startN8nQueue(install, redisBin, ctx.pgUrl, ctx.log);
            try {
              const targets = {
                'n8n main': { roots: [q.pid], tree: true },
                'n8n worker': { roots: [q.workerPid], tree: true },
                Redis: { roots: [q.redisPid], tree: true },
                PostgreSQL: { roots: [ctx.pgPid], tree: true },
                'bench client': { roots: [process.pid], tree: false },
              };
              for (const c of p.e2e.concurrencies) {
                const r = await guarded(ctx, `e2e c=${c} n8n queue mode`, () => e2eN8n(ctx, c, q, targets), failures);
                if (r) push(got.n8nQueue, `e2e:${c}`, r);
              }
            } finally {
              await q.stop();
            }
          },
          failures,
        );
      }
    }
  }
  buildRows(ctx, got, which);
  return failures;
}

// ---- scenario 1 -------------------------------------------------------------------------

async function ingressConduit(ctx: Ctx, c: number): Promise<LoadResult> {
  return withConduit(
    ctx,
    // The ingress alone, as it runs in the cloud (its own function): the stack stores events but
    // dispatches none, so its worker does not share the cores; scenario 2 measures the whole path.
    ({ stack, api }) => hookLoad(ctx, stack.url, api, c),
    { dispatch: false },
  );
}

/** One webhook workflow, then autocannon on its hook: a warm-up and the measured window. */
async function hookLoad(ctx: Ctx, base: string, api: ConduitApi, c: number): Promise<LoadResult> {
  const [sink] = await sinkRecords(api, 1);
  const wf = await api.createActiveWorkflow(webhookToUpdate('bench: ingress'));
  if (!wf.hookId) throw new Error('the activated webhook workflow has no hook id');
  const spec = { url: `${base}/hooks/${wf.hookId}`, concurrency: c, body: JSON.stringify({ recordId: sink, n: 'load' }) };
  await runAutocannon({ ...spec, durationSec: ctx.profile.ingress.warmupSec });
  return runAutocannon({ ...spec, durationSec: ctx.profile.ingress.durationSec });
}

/**
 * The ingress of the stack exactly as `npm start` runs it, with dispatch on: the accepted events
 * become runs on the same PGlite and the same process while autocannon posts (issue 21's target
 * is "while runs are dispatched"). A fresh stack and data folder per measurement.
 */
async function ingressEmbedded(ctx: Ctx, c: number): Promise<LoadResult> {
  return withEmbedded(ctx, ({ stack, api }) => hookLoad(ctx, stack.url, api, c));
}

async function ingressN8n(ctx: Ctx, c: number): Promise<LoadResult> {
  const n8n = ctx.n8n!;
  const spec = { url: n8n.webhookUrl(N8N_PATHS.set), concurrency: c, body: JSON.stringify({ n: 'load' }), zeroIsError: false };
  await runAutocannon({ ...spec, durationSec: ctx.profile.ingress.warmupSec });
  // n8n keeps executing the runs of requests the warm-up left in flight; one probe queued behind
  // them answers once they are done, so the measurement starts from an idle n8n (as Conduit's fresh stack does).
  await postN8n(spec.url, { n: 'drain' }, 120_000);
  return runAutocannon({ ...spec, durationSec: ctx.profile.ingress.durationSec });
}

// ---- scenario 2 -------------------------------------------------------------------------

/** Each client posts to the hook, then waits until the run it caused has completed. */
/** A closed loop with what each completed run cost: CPU ms per process, statements, Temporal history. */
type E2eResult = ClosedLoopResult & { perRun?: Record<string, number>; history?: { events: number[]; workflowTasks: number[] } };

/** One closed-loop attempt: post to the hook, wait until the run it caused has completed; the latency is request → completion seen. */
function hookAttempt(url: string, hookId: string, sinks: string[], observer: Completions, onDone?: (t: Timed) => void) {
  return async (i: number) => {
    const t0 = nowMs();
    const eventId = await postHook(url, hookId, { recordId: sinks[i % sinks.length], n: `e2e-${i}` });
    const done = await observer.wait(eventId, 60_000);
    if (done.status !== 'completed') throw new Error(`run ended ${done.status}`);
    onDone?.({ eventId, sentAt: t0, observedAt: done.observedAt });
    return done.observedAt - t0;
  };
}

async function e2eConduit(ctx: Ctx, s: Session, c: number): Promise<E2eResult> {
  const sinks = await sinkRecords(s.api, c);
  const wf = await s.api.createActiveWorkflow(webhookToUpdate(`bench: e2e c=${c}`));
  if (!wf.hookId) throw new Error('the activated webhook workflow has no hook id');
  const observer = await openCompletionObserver(s.stack.databaseUrl, wf.id);
  // Runs of the measured window only (the warm-up's are dropped), for the stage breakdown.
  let timed: Timed[] | undefined;
  try {
    const attempt = hookAttempt(s.stack.url, wf.hookId, sinks, observer, (t) => timed?.push(t));
    const { warmupSec, durationSec } = ctx.profile.e2e;
    await closedLoop({ concurrency: c, durationSec: warmupSec, maxAttempts: 100_000, attempt });
    await resetStatements(s.stack.db);
    timed = [];
    const { result, cpuMs, peakMiB } = await measureCpu(conduitCpuTargets(s.stack, ctx.pgPid), () =>
      closedLoop({ concurrency: c, durationSec, maxAttempts: 1_000_000, attempt }),
    );
    const statements = await countStatements(s.stack.db);
    for (const line of await topStatements(s.stack.db, result.ok)) ctx.log(`    sql ${line}`);
    const history = await historyCounts(s.stack, wf.id);
    const stages = await stageBreakdown(s.stack.db, timed);
    return { ...result, perRun: { ...perRun(cpuMs, result.ok, { 'SQL statements': statements }), ...stages, ...peaks(peakMiB) }, history };
  } finally {
    await observer.close();
  }
}

/** `npm start`'s processes: the one Node process (its Temporal child counted apart), the Temporal dev server, the bench. */
function embeddedCpuTargets(stack: EmbeddedStack) {
  return {
    'Conduit (one process, PGlite inside)': { roots: [stack.pid], tree: true, exclude: [stack.temporal.pid] },
    'Temporal server': { roots: [stack.temporal.pid], tree: true },
    'bench client': { roots: [process.pid], tree: false },
  };
}

/**
 * Scenario 2 on the embedded default. Completion is the same trigger as on PostgreSQL, heard by the
 * stack's own process and printed as a line (PGlite is not reachable from outside): one NOTIFY and
 * one short write per run. SQL statement counts and the stage split need the database, so these
 * rows have CPU and memory per run only.
 */
async function e2eEmbedded(ctx: Ctx, s: EmbeddedSession, c: number): Promise<E2eResult> {
  const sinks = await sinkRecords(s.api, c);
  const wf = await s.api.createActiveWorkflow(webhookToUpdate(`bench: e2e c=${c}`));
  if (!wf.hookId) throw new Error('the activated webhook workflow has no hook id');
  const observer = s.stack.watch(wf.id);
  try {
    const attempt = hookAttempt(s.stack.url, wf.hookId, sinks, observer);
    const { warmupSec, durationSec } = ctx.profile.e2e;
    await closedLoop({ concurrency: c, durationSec: warmupSec, maxAttempts: 100_000, attempt });
    const { result, cpuMs, peakMiB } = await measureCpu(embeddedCpuTargets(s.stack), () =>
      closedLoop({ concurrency: c, durationSec, maxAttempts: 1_000_000, attempt }),
    );
    return { ...result, perRun: { ...perRun(cpuMs, result.ok), ...peaks(peakMiB) } };
  } finally {
    await observer.close();
  }
}

/** Peak resident memory of each process during the window, as row figures. */
const peaks = (peakMiB: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(peakMiB).map(([k, v]) => [`peakMiB:${k}`, v]));

/** Each process's CPU ms (and any other count) divided by the runs completed in the window. */
function perRun(cpuMs: Record<string, number>, runs: number, counts: Record<string, number> = {}): Record<string, number> {
  const n = Math.max(runs, 1);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(cpuMs)) out[`cpu:${k}`] = v / n;
  for (const [k, v] of Object.entries(counts)) out[k] = v / n;
  return out;
}

async function postN8n(url: string, body: unknown, timeoutMs = 60_000): Promise<number> {
  const t0 = nowMs();
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await r.arrayBuffer();
  if (!r.ok) throw new Error(`n8n answered ${r.status}`);
  return nowMs() - t0;
}

/**
 * With responseMode lastNode n8n answers when the run has finished: the answer is the completion
 * (in queue mode too: the main process answers once the worker has finished the run).
 */
async function e2eN8n(
  ctx: Ctx,
  c: number,
  server: N8nServer = ctx.n8n!,
  targets: Record<string, CpuTarget> = { n8n: { roots: [server.pid], tree: true }, 'bench client': { roots: [process.pid], tree: false } },
): Promise<E2eResult> {
  const url = server.webhookUrl(N8N_PATHS.set);
  const attempt = (i: number) => postN8n(url, { n: `e2e-${i}` });
  const { warmupSec, durationSec } = ctx.profile.e2e;
  await closedLoop({ concurrency: c, durationSec: warmupSec, maxAttempts: 100_000, attempt });
  const { result, cpuMs, peakMiB } = await measureCpu(targets, () => closedLoop({ concurrency: c, durationSec, maxAttempts: 1_000_000, attempt }));
  return { ...result, perRun: { ...perRun(cpuMs, result.ok), ...peaks(peakMiB) } };
}

// ---- scenario 3 -------------------------------------------------------------------------

type StepsResult = ClosedLoopResult & { stepMs?: number[] };

async function stepsConduit(ctx: Ctx, s: Session, kind: StepKind): Promise<StepsResult> {
  const [sink] = await sinkRecords(s.api, 1);
  const wf = await s.api.createActiveWorkflow(webhookSteps(kind));
  if (!wf.hookId) throw new Error('the activated webhook workflow has no hook id');
  const observer = await openCompletionObserver(s.stack.databaseUrl, wf.id);
  const eventIds: string[] = [];
  try {
    const attempt = async () => {
      const t0 = nowMs();
      const eventId = await postHook(s.stack.url, wf.hookId!, { recordId: sink, n: 'steps' });
      const done = await observer.wait(eventId, 60_000);
      if (done.status !== 'completed') throw new Error(`run ended ${done.status}`);
      eventIds.push(eventId);
      return done.observedAt - t0;
    };
    const { warmupRuns, runs } = ctx.profile.steps;
    await closedLoop({ concurrency: 1, durationSec: 120, maxAttempts: warmupRuns, attempt });
    eventIds.length = 0;
    const result = await closedLoop({ concurrency: 1, durationSec: 300, maxAttempts: runs, attempt });
    // Time each step spent between its start and end, from the step rows (what one call adds).
    const { rows } = await s.stack.db.query<{ ms: number }>(
      `select extract(epoch from (s.completed_at - s.started_at)) * 1000 as ms
         from execution_steps s join workflow_executions e on e.id = s.execution_id
        where e.workflow_id = $1 and e.event_id = any($2::uuid[]) and s.completed_at is not null`,
      [wf.id, eventIds],
    );
    return { ...result, stepMs: rows.map((r) => Number(r.ms)) };
  } finally {
    await observer.close();
  }
}

async function stepsN8n(ctx: Ctx): Promise<StepsResult> {
  const url = ctx.n8n!.webhookUrl(N8N_PATHS.code40);
  const attempt = () => postN8n(url, { n: 'steps' });
  const { warmupRuns, runs } = ctx.profile.steps;
  await closedLoop({ concurrency: 1, durationSec: 120, maxAttempts: warmupRuns, attempt });
  return closedLoop({ concurrency: 1, durationSec: 300, maxAttempts: runs, attempt });
}

// ---- rows -------------------------------------------------------------------------------

/** A row's variant: the concurrency, after what was measured when it is not the default of its target. */
const variantOf = (prefix: string | undefined, c: number) => (prefix ? `${prefix}, concurrency ${c}` : `concurrency ${c}`);

function loadRow(target: 'conduit' | 'n8n', c: number, rs: LoadResult[], prefix?: string): Row {
  const refused = rs.reduce((n, r) => n + r.refused, 0);
  return {
    scenario: INGRESS,
    variant: variantOf(prefix, c),
    ...(prefix ? { peerVariant: variantOf(undefined, c) } : {}),
    target,
    metric: { unit: 'req/s', higherIsBetter: true, values: rs.map((r) => r.okPerSec) },
    rounds: rs.map((r) => r.okPerSec),
    latency: {
      p50: median(rs.map((r) => r.latencyMs.p50)),
      p99: median(rs.map((r) => r.latencyMs.p99)),
      min: Math.min(...rs.map((r) => r.latencyMs.min)),
      max: Math.max(...rs.map((r) => r.latencyMs.max)),
      samples: rs.reduce((n, r) => n + r.ok, 0),
    },
    runs: rs.length,
    errors: rs.reduce((n, r) => n + r.errors, 0),
    refused,
    note:
      `${rs.reduce((n, r) => n + r.ok, 0).toLocaleString('en-US')} requests answered 2xx` +
      (refused ? `; ${refused.toLocaleString('en-US')} answered 429 by the per-hook rate limit (WEBHOOK_RATE_LIMIT)` : '') +
      (rs.some((r) => r.ok === 0) ? '; in some round no answer came within the measured window' : ''),
  };
}

function loopRow(scenario: string, variant: string, target: 'conduit' | 'n8n', rs: ClosedLoopResult[]): Row {
  const all = rs.flatMap((r) => r.latenciesMs);
  return {
    scenario,
    variant,
    target,
    metric: { unit: 'runs/s', higherIsBetter: true, values: rs.map((r) => r.okPerSec) },
    rounds: rs.map((r) => r.okPerSec),
    latency: summarize(all),
    runs: rs.length,
    errors: rs.reduce((n, r) => n + r.errors, 0),
    note: [`${all.length} runs`, ...rs.flatMap((r) => r.firstErrors).slice(0, 1)].join('; '),
  };
}

function stepsRow(variant: string, target: 'conduit' | 'n8n', rs: StepsResult[], peerVariant?: string): Row {
  const all = rs.flatMap((r) => r.latenciesMs);
  const stepMs = rs.flatMap((r) => r.stepMs ?? []);
  const perStep = median(all) / 40;
  const notes = [`${perStep.toFixed(1)} ms per step end to end`];
  if (stepMs.length) notes.push(`a step's own start→end: p50 ${median(stepMs).toFixed(1)} ms`);
  notes.push(...rs.flatMap((r) => r.firstErrors).slice(0, 1));
  return {
    scenario: STEPS,
    variant,
    target,
    metric: { unit: 'ms per run', higherIsBetter: false, values: all },
    rounds: rs.map((r) => median(r.latenciesMs)),
    peerVariant,
    latency: summarize(all),
    runs: all.length,
    errors: rs.reduce((n, r) => n + r.errors, 0),
    note: notes.join('; '),
    figures: { perStepMs: perStep, ...(stepMs.length ? { stepOwnP50Ms: median(stepMs) } : {}) },
  };
}

/** Per-run costs as row figures: the median over rounds of each. */
function costFigures(rs: E2eResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  const keys = new Set(rs.flatMap((r) => Object.keys(r.perRun ?? {})));
  for (const k of keys) out[k] = median(rs.flatMap((r) => (r.perRun?.[k] === undefined ? [] : [r.perRun[k]])));
  const events = rs.flatMap((r) => r.history?.events ?? []);
  const tasks = rs.flatMap((r) => r.history?.workflowTasks ?? []);
  if (events.length) out['Temporal history events'] = median(events);
  if (tasks.length) out['workflow tasks'] = median(tasks);
  return out;
}

function buildRows(ctx: Ctx, got: Collected, which: { ingress: boolean; e2e: boolean; steps: boolean }): void {
  const p = ctx.profile;
  const take = <T>(m: Map<string, unknown[]>, k: string) => (m.get(k) ?? []) as T[];
  // [target, results, variant prefix]: the embedded rows are compared with n8n's of the same concurrency.
  const targets = [
    ['conduit', got.conduit, undefined],
    ['conduit', got.embedded, EMBEDDED],
    ['n8n', got.n8n, undefined],
    ['n8n', got.n8nQueue, QUEUE_MODE],
  ] as const;
  if (which.ingress) {
    const cs = [...new Set([...p.ingress.concurrencies, ...p.embeddedIngress])].sort((a, b) => a - b);
    for (const c of cs) {
      for (const [t, m, prefix] of targets) {
        const rs = take<LoadResult>(m, `ingress:${c}`);
        if (rs.length) ctx.rows.push(loadRow(t, c, rs, prefix));
      }
    }
  }
  if (which.e2e) {
    for (const c of p.e2e.concurrencies) {
      for (const [t, m, prefix] of targets) {
        const rs = take<E2eResult>(m, `e2e:${c}`);
        if (!rs.length) continue;
        const row = { ...loopRow(E2E, variantOf(prefix, c), t, rs), figures: costFigures(rs) };
        ctx.rows.push(t === 'conduit' && prefix ? { ...row, peerVariant: variantOf(undefined, c) } : row);
      }
    }
  }
  if (which.steps) {
    for (const kind of STEP_KINDS) {
      const rs = take<StepsResult>(got.conduit, `steps:${kind}`);
      if (rs.length) ctx.rows.push(stepsRow(`40 × ${kind}`, 'conduit', rs, N8N_STEPS_VARIANT));
    }
    const rs = take<StepsResult>(got.n8n, 'steps:n8n');
    if (rs.length) ctx.rows.push(stepsRow(N8N_STEPS_VARIANT, 'n8n', rs));
  }
}
