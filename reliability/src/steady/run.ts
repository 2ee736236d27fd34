import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from '../soak/child';
import { startSink } from '../soak/sink';
import { growthAfterWarmup, latencyTrend, perMinute, type MinuteRow } from './analysis';
import { READY_LINE, ReadySchema, SAMPLE_LINE, SampleSchema, type Sample } from './protocol';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');

export type SteadyOptions = {
  durationMs: number;
  /** Webhooks per second, fixed for the whole run. */
  rate: number;
  warmupMs: number;
  sampleMs?: number;
  /** Width of the windows compared for growth (first after warm-up against last). */
  windowMs?: number;
  /** postgres:// for a real server; PGlite in a fresh data folder (the embedded default) when absent. */
  databaseUrl?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
};

/** Growth allowed after warm-up (issue 20: ≤ 10 %), and the latency rise allowed over the run. */
export const STEADY_LIMITS = { growth: 0.1, latencyRise: 0.1, latencyRiseFloorMs: 5, handleSlack: 3 };

export type SteadyResult = {
  durationMs: number;
  rate: number;
  warmupMs: number;
  sent: number;
  accepted: number;
  refused: number;
  effects: number;
  lost: number;
  samples: Sample[];
  minutes: Array<MinuteRow & { ingressP50: number; ingressP95: number }>;
  growth: Record<'rss' | 'heap' | 'activeResources' | 'openFds' | 'temporalRss', { baseline: number; final: number; growth: number; delta: number }>;
  trend: ReturnType<typeof latencyTrend>;
  ingressTrend: ReturnType<typeof latencyTrend>;
  heapAfterGc: boolean;
  database: string;
};

/**
 * A fixed, moderate webhook rate into the product as `npm start` runs it, for a long while; the
 * stack's process samples its own memory and handles, the driver times each event from the send
 * until its effect reaches the sink. Nothing here judges; steadyProblems does.
 */
export async function runSteady(o: SteadyOptions): Promise<SteadyResult> {
  const log = o.log ?? (() => {});
  const sampleMs = o.sampleMs ?? 10_000;
  const windowMs = o.windowMs ?? Math.max(sampleMs * 6, Math.min(300_000, (o.durationMs - o.warmupMs) / 5));
  const sentAt = new Map<number, number>();
  const e2e: Array<{ at: number; ms: number }> = [];
  const ingress: Array<{ at: number; ms: number }> = [];
  const arrived = new Set<number>();
  const sink = await startSink((event) => {
    const n = Number(event);
    const at = sentAt.get(n);
    if (at === undefined || arrived.has(n)) return;
    arrived.add(n);
    e2e.push({ at, ms: Date.now() - at });
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'conduit-steady-'));
  const entry = fileURLToPath(new URL('./child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', tsxLoader, entry, JSON.stringify({ dataDir, sinkUrl: sink.url, sampleMs })], {
    env: { ...process.env, ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4_000);
  });
  const samples: Sample[] = [];
  let buffer = '';
  const ready = new Promise<{ url: string; hookId: string; gc: boolean }>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      buffer += b.toString();
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith(READY_LINE)) resolve(ReadySchema.parse(JSON.parse(line.slice(READY_LINE.length))));
        else if (line.startsWith(SAMPLE_LINE)) samples.push(SampleSchema.parse(JSON.parse(line.slice(SAMPLE_LINE.length))));
        nl = buffer.indexOf('\n');
      }
    });
    void exited.then((code) => reject(new Error(`the stack exited (${code}) before it was ready:\n${stderr}`)));
  });
  try {
    const { url, hookId, gc } = await ready;
    log(`stack up at ${url} (${o.databaseUrl ? 'PostgreSQL' : 'PGlite'}); ${o.rate} webhooks/s for ${(o.durationMs / 60_000).toFixed(1)} min`);
    const t0 = Date.now();
    let sent = 0;
    let accepted = 0;
    let refused = 0;
    const inFlight = new Set<Promise<void>>();
    const send = async (n: number) => {
      const at = Date.now();
      sentAt.set(n, at);
      try {
        const res = await fetch(`${url}/hooks/${hookId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ n }),
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        ingress.push({ at, ms: Date.now() - at });
        if (res.status === 202) accepted++;
        else {
          refused++;
          sentAt.delete(n);
        }
      } catch {
        refused++;
        sentAt.delete(n);
      }
    };
    let lastLog = t0;
    while (Date.now() - t0 < o.durationMs && !o.signal?.aborted) {
      const due = t0 + (sent / o.rate) * 1_000;
      if (due > Date.now()) await sleep(due - Date.now());
      const p = send(sent++).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (Date.now() - lastLog > 60_000) {
        lastLog = Date.now();
        const s = samples[samples.length - 1];
        const recent = e2e.slice(-o.rate * 60).map((l) => l.ms);
        log(
          `  ${((Date.now() - t0) / 60_000).toFixed(1)} min: ${sent} sent, ${arrived.size} effects, rss ${s ? (s.rssBytes / 2 ** 20).toFixed(0) : '?'} MB, heap ${s ? (s.heapUsedBytes / 2 ** 20).toFixed(0) : '?'} MB, handles ${s?.activeResources ?? '?'}, fds ${s?.openFds ?? '?'}, last minute p50 ${recent.length ? recent.sort((a, b) => a - b)[Math.floor(recent.length / 2)] : '?'} ms`,
        );
      }
    }
    await Promise.all(inFlight);
    // The effects of the last events: they still have to run.
    const until = Date.now() + 120_000;
    while (arrived.size < accepted && Date.now() < until && !o.signal?.aborted) await sleep(250);
    const rows = perMinute(e2e, t0);
    const ingressRows = perMinute(ingress, t0);
    const warmupMinutes = Math.ceil(o.warmupMs / 60_000);
    const series = (f: (s: Sample) => number | null) => samples.flatMap((s) => (f(s) === null ? [] : [{ at: s.at, value: f(s)! }]));
    const g = (f: (s: Sample) => number | null) => growthAfterWarmup(series(f), { start: t0, warmupMs: o.warmupMs, windowMs });
    return {
      durationMs: o.durationMs,
      rate: o.rate,
      warmupMs: o.warmupMs,
      sent,
      accepted,
      refused,
      effects: arrived.size,
      lost: accepted - arrived.size,
      samples,
      minutes: rows.map((r) => {
        const i = ingressRows.find((x) => x.minute === r.minute);
        return { ...r, ingressP50: i?.p50 ?? Number.NaN, ingressP95: i?.p95 ?? Number.NaN };
      }),
      growth: {
        rss: g((s) => s.rssBytes),
        heap: g((s) => s.heapUsedBytes),
        activeResources: g((s) => s.activeResources),
        openFds: g((s) => s.openFds),
        temporalRss: g((s) => s.temporalRssBytes),
      },
      trend: latencyTrend(rows, warmupMinutes),
      ingressTrend: latencyTrend(ingressRows, warmupMinutes),
      heapAfterGc: gc,
      database: o.databaseUrl ? 'PostgreSQL' : 'PGlite (embedded default)',
    };
  } finally {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(t);
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The verdict: no lost event, memory and handles flat after warm-up, no rising latency. */
export function steadyProblems(r: SteadyResult): string[] {
  const p: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  if (r.lost) p.push(`${r.lost} accepted events never reached the sink`);
  if (r.refused) p.push(`${r.refused} webhooks were refused or unanswered`);
  if (!(r.growth.rss.growth <= STEADY_LIMITS.growth)) p.push(`RSS grew ${pct(r.growth.rss.growth)} after warm-up`);
  if (!(r.growth.heap.growth <= STEADY_LIMITS.growth)) p.push(`heap grew ${pct(r.growth.heap.growth)} after warm-up`);
  for (const k of ['activeResources', 'openFds'] as const) {
    const x = r.growth[k];
    if (!(x.growth <= STEADY_LIMITS.growth || x.delta <= STEADY_LIMITS.handleSlack)) p.push(`${k} grew from ${x.baseline} to ${x.final}`);
  }
  const t = r.trend;
  if (t.riseMs > STEADY_LIMITS.latencyRiseFloorMs && t.rise > STEADY_LIMITS.latencyRise)
    p.push(`latency rises: ${t.slopeMsPerMinute.toFixed(2)} ms per minute, ${pct(t.rise)} over the run`);
  return p;
}
