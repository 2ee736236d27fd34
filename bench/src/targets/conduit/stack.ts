import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { createDatabase, freePort, startTemporalDevServer } from '@conduit/local/testing';
import { Fatal, pollUntil } from '../../bounded';
import { onCleanup } from '../../cleanup';
import { REPO_ROOT } from '../../options';
import { spawnGroup, type Group } from '../../proc';
import { byEvent, RUN_DONE_LINE, RunEndings, type Completions } from './observer';

const READY = 'CONDUIT_BENCH_STACK_READY ';
const ReadySchema = z.object({
  url: z.string().url(),
  login: z.object({ email: z.string(), password: z.string() }),
  temporalPid: z.number().int().optional(),
  temporalAddress: z.string(),
});

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

/** BENCH_STACK_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where a run's CPU goes (either stack). */
const stackNodeArgs = () => process.env.BENCH_STACK_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

export async function startConduit(pgServerUrl: string, opts: ConduitOptions = {}): Promise<ConduitStack> {
  const databaseUrl = await createDatabase(pgServerUrl, 'bench');
  const temporal = await startTemporalDevServer();
  const forgetTemporal = onCleanup(temporal.stop);
  const dataDir = mkdtempSync(join(tmpdir(), 'conduit-bench-data-'));
  const child = spawnGroup(
    process.execPath,
    [
      ...stackNodeArgs(),
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
  const ready = await waitReady(child, cleanup);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  db.on('error', () => {});
  return {
    url: loopback(ready.url),
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

/** The child's READY line; if it died or never got ready, `cleanup` runs and the first error it printed is thrown. */
async function waitReady(child: Group, cleanup: () => Promise<void>): Promise<z.infer<typeof ReadySchema>> {
  try {
    return await pollUntil(
      'Conduit stack start',
      async () => {
        if (child.child.exitCode !== null) throw new Fatal(`stack exited ${child.child.exitCode}`);
        const line = child.marked[0];
        return line ? ReadySchema.parse(JSON.parse(line.slice(READY.length))) : undefined;
      },
      // The embedded default starts its own Temporal dev server and migrates a fresh PGlite.
      { ms: 180_000, intervalMs: 50 },
    );
  } catch (e) {
    const out = child.output();
    await cleanup();
    throw new Error(`${(e as Error).message}: ${firstError(out)}`);
  }
}

const loopback = (u: string): string => {
  const url = new URL(u);
  if (url.hostname === 'localhost' || url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  return url.origin;
};

/** The bench's environment minus anything that would point the stack away from its embedded defaults. */
async function embeddedEnv(): Promise<NodeJS.ProcessEnv> {
  const { DATABASE_URL: _db, TEMPORAL_ADDRESS: _t, ...env } = process.env;
  return {
    ...env,
    LOG_LEVEL: 'warn',
    // The per-hook limit above any load the bench offers, as for the PostgreSQL stack.
    WEBHOOK_RATE_LIMIT: '1000000',
    // Its own ports for the dev server: the usual 7233/8233 may be another stack's on this machine.
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_DEV_UI_PORT: String(await freePort()),
  };
}

/** The embedded default as `npm start` runs it, in a child process of the bench. */
export type EmbeddedStack = {
  url: string;
  login: z.infer<typeof ReadySchema>['login'];
  /** The stack's Node process (the one process `npm start` runs) and the Temporal dev server it spawned. */
  pid: number | undefined;
  temporal: { pid: number | undefined; address: string };
  /** Runs of one workflow finishing, as the stack's process reports them (PGlite is not reachable from outside). */
  watch: (workflowId: string) => Completions;
  stop: () => Promise<void>;
};

/**
 * The stack exactly as `npm start` builds it (startStack's defaults: PGlite in a fresh data folder,
 * the in-process event queue, dispatcher and worker in the one process, a Temporal dev server it
 * spawns), with its own data folder and port, and no web build (the bench never loads it).
 * `nodeArgs` go to its Node process (e.g. `--cpu-prof` to see where the ingress spends its time).
 */
export async function startEmbedded(nodeArgs: string[] = stackNodeArgs()): Promise<EmbeddedStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'conduit-bench-embedded-'));
  const watchers = new Set<RunEndings>();
  const child = spawnGroup(
    process.execPath,
    [
      ...nodeArgs,
      '--import',
      'tsx',
      join(REPO_ROOT, 'bench/src/targets/conduit/child.ts'),
      JSON.stringify({ dataDir, port: await freePort(), dispatch: true }),
    ],
    { cwd: REPO_ROOT, env: await embeddedEnv() },
    READY,
    (line) => {
      if (!line.startsWith(RUN_DONE_LINE)) return;
      for (const w of watchers) w.onDone(line.slice(RUN_DONE_LINE.length));
    },
  );
  const forget = onCleanup(() => child.stop(3_000));
  const cleanup = async () => {
    forget();
    for (const w of watchers) await w.close();
    await child.stop(20_000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const ready = await waitReady(child, cleanup);
  return {
    url: loopback(ready.url),
    login: ready.login,
    pid: child.child.pid,
    temporal: { pid: ready.temporalPid, address: ready.temporalAddress },
    watch(workflowId) {
      const w: RunEndings = new RunEndings(byEvent(workflowId), async () => void watchers.delete(w));
      watchers.add(w);
      return w;
    },
    stop: cleanup,
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
