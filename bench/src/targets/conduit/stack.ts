import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { createDatabase, freePort, startTemporalDevServer } from '@conduit/local/testing';
import { Fatal, pollUntil } from '../../bounded';
import { onCleanup } from '../../cleanup';
import { REPO_ROOT } from '../../options';
import { spawnGroup } from '../../proc';

const READY = 'CONDUIT_BENCH_STACK_READY ';
const ReadySchema = z.object({ url: z.string().url(), login: z.object({ email: z.string(), password: z.string() }) });

export type ConduitStack = {
  url: string;
  login: z.infer<typeof ReadySchema>['login'];
  /** A pool on the stack's database, for observing runs (read-only queries). */
  db: pg.Pool;
  databaseUrl: string;
  /** The stack's process (its tree holds everything it started) and the Temporal dev server's, for CPU accounting. */
  pid: number | undefined;
  temporal: { pid: number | undefined; address: string };
  stop: () => Promise<void>;
};

/**
 * A fresh stack: a new database on the shared PostgreSQL server, a new in-memory Temporal dev
 * server, and the stack itself in a child process. Fresh per measurement, so no backlog of one
 * measurement leaks into the next.
 */
export type ConduitOptions = {
  /** false: the stack stores events and dispatches none (scenario 1 measures the ingress alone). */
  dispatch?: boolean;
};

export async function startConduit(pgServerUrl: string, opts: ConduitOptions = {}): Promise<ConduitStack> {
  const databaseUrl = await createDatabase(pgServerUrl, 'bench');
  const temporal = await startTemporalDevServer();
  const forgetTemporal = onCleanup(temporal.stop);
  const dataDir = mkdtempSync(join(tmpdir(), 'conduit-bench-data-'));
  const child = spawnGroup(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'bench/src/targets/conduit/child.ts'),
      JSON.stringify({ dataDir, port: await freePort(), databaseUrl, temporalAddress: temporal.address, dispatch: opts.dispatch !== false }),
    ],
    {
      cwd: REPO_ROOT,
      // The per-hook limit above any load the bench offers (c=256 reaches ~15,000 req/s): the ingress rows measure throughput, not the limiter.
      env: { ...process.env, LOG_LEVEL: 'warn', WEBHOOK_RATE_LIMIT: '1000000' },
    },
    READY,
  );
  const forget = onCleanup(() => child.stop(3_000));
  const cleanup = async () => {
    forget();
    forgetTemporal();
    await child.stop(10_000);
    await temporal.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase(pgServerUrl, databaseUrl);
  };
  let ready: z.infer<typeof ReadySchema>;
  try {
    ready = await pollUntil(
      'Conduit stack start',
      async () => {
        if (child.child.exitCode !== null) throw new Fatal(`stack exited ${child.child.exitCode}`);
        const line = child.marked[0];
        return line ? ReadySchema.parse(JSON.parse(line.slice(READY.length))) : undefined;
      },
      { ms: 120_000, intervalMs: 50 },
    );
  } catch (e) {
    const out = child.output();
    await cleanup();
    throw new Error(`${(e as Error).message}: ${firstError(out)}`);
  }
  const url = new URL(ready.url);
  if (url.hostname === 'localhost' || url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  db.on('error', () => {});
  return {
    url: url.origin,
    login: ready.login,
    db,
    databaseUrl,
    pid: child.child.pid,
    temporal: { pid: temporal.process.child.pid, address: temporal.address },
    async stop() {
      await db.end();
      await cleanup();
    },
  };
}

/** The first error line of a crashed process's output (stack frames dropped), else its tail. */
function firstError(out: string): string {
  const lines = out.split('\n').filter((l) => !/^\s+at /.test(l));
  const i = lines.findIndex((l) => /Error\b/.test(l));
  return (i >= 0 ? lines.slice(i, i + 3) : lines.slice(-5)).join(' ').slice(0, 800);
}

async function dropDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const c = new pg.Client({ connectionString: serverUrl });
  try {
    await c.connect();
    await c.query(`drop database if exists "${name.replace(/"/g, '')}" with (force)`);
  } catch {
    // a leftover database in a throwaway cluster is harmless
  } finally {
    await c.end().catch(() => {});
  }
}
