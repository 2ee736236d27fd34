/**
 * The steady-state run's system under test: the whole product in one process, as `npm start` runs
 * it (startStack: PGlite in a fresh data folder unless DATABASE_URL is set, its own Temporal dev
 * server, the in-process queue, dispatcher and worker), with one webhook workflow whose action posts
 * to the driver's sink. Prints READY, then a SAMPLE line of its own memory and handles every
 * `sampleMs`. Run with --expose-gc: the heap is read after a full collection, so a sample is what
 * the process keeps, not what it has not collected yet.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { startStack } from '@conduit/local/stack';
import { seedWebhookWorkflow, seedWorkspace } from '../fixtures';
import { READY_LINE, SAMPLE_LINE, type Sample } from './protocol';

const OptsSchema = z.object({ dataDir: z.string(), sinkUrl: z.string().url(), sampleMs: z.number().int().min(100) });

function rssOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function main() {
  const opts = OptsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const stack = await startStack({
    env: { ...process.env, HTTP_ALLOWLIST: '127.0.0.1' },
    dataDir: opts.dataDir,
    port: 0,
    host: '127.0.0.1',
    web: false,
    logLevel: 'error',
    onFatal: (err) => {
      process.stderr.write(`stack failed: ${err.message}\n`);
      process.exit(70);
    },
  });
  const { db } = stack.database;
  const ws = await seedWorkspace(db, 'steady');
  const hook = await seedWebhookWorkflow(db, {
    ...ws,
    auth: 'none',
    name: 'steady state',
    actions: [
      {
        id: 'effect',
        type: 'send_webhook',
        method: 'POST',
        url: opts.sinkUrl,
        timeoutMs: 5_000,
        body: { event: '{{trigger.body.n}}' },
        retry: { maxAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 2_000 },
      },
    ],
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = (): Sample => {
    gc?.();
    const m = process.memoryUsage();
    return {
      at: Date.now(),
      rssBytes: m.rss,
      heapUsedBytes: m.heapUsed,
      externalBytes: m.external,
      activeResources: process.getActiveResourcesInfo().length,
      openFds: readdirSync('/proc/self/fd').length,
      temporalRssBytes: rssOf(stack.temporalPid),
    };
  };
  const timer = setInterval(() => process.stdout.write(`${SAMPLE_LINE}${JSON.stringify(sample())}\n`), opts.sampleMs);
  process.stdout.write(`${READY_LINE}${JSON.stringify({ url: stack.url, hookId: hook.hookId, gc: Boolean(gc) })}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`steady child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
