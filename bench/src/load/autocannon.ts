import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** The fields of autocannon's --json report that the bench reads. */
const Histogram = z.object({ average: z.number(), min: z.number(), max: z.number(), p50: z.number(), p99: z.number() });
const ReportSchema = z.object({
  duration: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  non2xx: z.number(),
  '2xx': z.number(),
  latency: Histogram,
  requests: z.object({ average: z.number(), total: z.number(), sent: z.number() }),
  statusCodeStats: z.record(z.string(), z.object({ count: z.number() })).default({}),
});

export type LoadResult = {
  concurrency: number;
  durationSec: number;
  /** 2xx answers per second over the whole run. */
  okPerSec: number;
  ok: number;
  sent: number;
  /** Transport errors (timeouts included) + non-2xx answers other than 429 + requests sent but never answered. */
  errors: number;
  /** 429 answers: the system's own designed refusal (a rate limit), reported apart from errors. */
  refused: number;
  latencyMs: { p50: number; p99: number; min: number; max: number; mean: number };
};

export type LoadSpec = {
  url: string;
  concurrency: number;
  durationSec: number;
  body: string;
  headers?: Record<string, string>;
  timeoutSec?: number;
  /** Count a run in which nothing was answered as failed (default). Off for the peer, whose saturated answers may all fall after the window. */
  zeroIsError?: boolean;
};

function cliPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
}

/** Runs autocannon as its own process (so the load generator never shares a CPU queue with the bench). */
export function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  if (url.hostname !== '127.0.0.1') throw new Error(`the bench only sends requests to 127.0.0.1, not ${url.hostname}`);
  const args = [
    cliPath(),
    '--json',
    '--no-progress',
    '-c',
    String(spec.concurrency),
    '-d',
    String(spec.durationSec),
    '-t',
    String(spec.timeoutSec ?? 30),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-b',
    spec.body,
  ];
  for (const [k, v] of Object.entries(spec.headers ?? {})) args.push('-H', `${k}=${v}`);
  args.push(spec.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4_000)));
    // Bounded: the run's own duration plus a generous margin for timeouts to fire.
    const killer = setTimeout(() => child.kill('SIGKILL'), (spec.durationSec + (spec.timeoutSec ?? 30) + 30) * 1_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      const line = out.trim().split('\n').pop() ?? '';
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return reject(new Error(`autocannon printed no JSON report: ${out.slice(0, 500)} ${err}`));
      }
      const parsed = ReportSchema.safeParse(json);
      if (!parsed.success) return reject(new Error(`unexpected autocannon report: ${parsed.error.message}`));
      const r = parsed.data;
      const answered = r['2xx'] + r.non2xx;
      const refused = r.statusCodeStats['429']?.count ?? 0;
      // Requests still in flight when the duration ended are cut off, not dropped; anything else missing is.
      const unanswered = Math.max(0, r.requests.sent - answered - r.errors - spec.concurrency);
      // A run in which nothing at all was answered measured nothing: every connection counts as failed.
      const nothing = r['2xx'] === 0 && spec.zeroIsError !== false ? spec.concurrency : 0;
      resolve({
        concurrency: spec.concurrency,
        durationSec: r.duration,
        okPerSec: r['2xx'] / r.duration,
        ok: r['2xx'],
        sent: r.requests.sent,
        errors: r.errors + r.non2xx - refused + unanswered + nothing,
        refused,
        latencyMs: { p50: r.latency.p50, p99: r.latency.p99, min: r.latency.min, max: r.latency.max, mean: r.latency.average },
      });
    });
  });
}
