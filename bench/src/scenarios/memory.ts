import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, freePort, startTemporalDevServer } from '@conduit/local/testing';
import { ensureWebBuild } from '@conduit/local/web-build';
import { cachedWorkflowBundle } from '@conduit/local/workflow-bundle';
import { pollUntil } from '../bounded';
import { onCleanup } from '../cleanup';
import { treeRss } from '../cpu';
import { REPO_ROOT } from '../options';
import { runToEnd, spawnGroup, type Group } from '../proc';
import type { Row } from '../report/model';
import { ensureN8n } from '../targets/n8n/install';
import { startN8n } from '../targets/n8n/server';
import type { Ctx } from './context';

export const MEMORY = '9. Memory at idle (resident, all processes)';
/** Issue 21: what `ps` showed 20 s after start, no runs. */
const SETTLE_MS = 20_000;

type Sample = { total: number; parts: { pid: number; name: string; mib: number }[] };

const sample = (pid: number | undefined): Sample => {
  const parts = treeRss(pid);
  return { total: parts.reduce((n, p) => n + p.mib, 0), parts };
};

const describe = (s: Sample) =>
  s.parts
    .sort((a, b) => b.mib - a.mib)
    .map((p) => `${p.name} ${Math.round(p.mib)} MiB`)
    .join(' · ');

function row(variant: string, target: 'conduit' | 'n8n', s: Sample, note: string, peerVariant?: string): Row {
  return {
    scenario: MEMORY,
    variant,
    target,
    metric: { unit: 'MiB', higherIsBetter: false, values: [s.total] },
    ...(peerVariant ? { peerVariant } : {}),
    runs: 1,
    errors: 0,
    note: `${describe(s)}; ${note}`,
  };
}

async function settle(what: string, group: Group, ready: () => Promise<boolean>): Promise<Sample> {
  await pollUntil(
    what,
    async () => {
      if (group.child.exitCode !== null) throw new Error(`${what}: exited ${group.child.exitCode}: ${group.output().slice(-1_000)}`);
      return (await ready()) || undefined;
    },
    { ms: 300_000, intervalMs: 250 },
  );
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return sample(group.child.pid);
}

/**
 * `npm start` exactly as a new user runs it: PGlite, the Temporal dev server, every part in one
 * process. The web app and the workflow bundle are built first, as the product itself builds them:
 * a first start after a code change builds them, and that one-off work (seen once: 935 MiB against
 * 642 on the next start) is not what the process idles at.
 */
async function npmStartIdle(): Promise<Sample> {
  await ensureWebBuild();
  await cachedWorkflowBundle();
  const dataDir = mkdtempSync(join(tmpdir(), 'conduit-bench-start-'));
  const port = await freePort();
  const group = spawnGroup(process.execPath, [join(REPO_ROOT, 'local/start.mjs')], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
  });
  const forget = onCleanup(() => group.stop(5_000));
  try {
    return await settle('npm start', group, async () => group.output().includes('Conduit is running'));
  } finally {
    forget();
    await group.stop(10_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The worker alone as the cloud runs it: PostgreSQL over the network, Temporal elsewhere, no PGlite, no web. */
async function cloudWorkerIdle(ctx: Ctx): Promise<Sample> {
  const databaseUrl = await createDatabase(ctx.pgUrl, 'bench_worker');
  // What the image runs: the compiled worker and its prebuilt workflow bundle (`npm run build -w worker`), no tsx.
  await runToEnd('npm', ['run', 'build', '-w', 'worker'], { cwd: REPO_ROOT, timeoutMs: 300_000 });
  const temporal = await startTemporalDevServer();
  const forgetTemporal = onCleanup(temporal.stop);
  const health = await freePort();
  const group = spawnGroup(process.execPath, ['--enable-source-maps', join(REPO_ROOT, 'worker/dist/worker/src/main.js')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      MIGRATE_ON_START: 'true',
      NODE_ENV: 'production',
      WORKFLOW_BUNDLE_PATH: join(REPO_ROOT, 'worker/dist/workflow-bundle.js'),
      HEALTH_PORT: String(health),
      LOG_LEVEL: 'warn',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    },
  });
  const forget = onCleanup(() => group.stop(5_000));
  try {
    return await settle('cloud worker', group, async () => {
      const r = await fetch(`http://127.0.0.1:${health}/healthz`).catch(() => undefined);
      return r?.status === 200;
    });
  } finally {
    forget();
    forgetTemporal();
    await group.stop(10_000);
    await temporal.stop();
  }
}

/** Scenario 9: resident memory of each system at idle, every process counted (issue 21 item 7). */
export async function runMemory(ctx: Ctx, n8n: { enabled: boolean; dir: string }): Promise<string[]> {
  const failures: string[] = [];
  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      ctx.log(`9. memory: ${what}`);
      await fn();
    } catch (e) {
      failures.push(`memory, ${what}: ${(e as Error).message.slice(0, 1_000)}`);
    }
  };
  const IDLE = 'idle 20 s after start';
  await step('npm start', async () => {
    ctx.rows.push(row(`${IDLE}, \`npm start\``, 'conduit', await npmStartIdle(), 'PGlite, Temporal dev server, API, ingress, dispatcher, worker, web', IDLE));
  });
  await step('cloud worker', async () => {
    ctx.rows.push(
      row(
        'cloud worker alone, idle 20 s after start',
        'conduit',
        await cloudWorkerIdle(ctx),
        'the compiled worker and its prebuilt workflow bundle, as the image runs them; PostgreSQL and Temporal outside it',
      ),
    );
  });
  if (n8n.enabled) {
    await step('n8n', async () => {
      const install = await ensureN8n(n8n.dir, ctx.log);
      const server = await startN8n(install, ctx.log);
      try {
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        ctx.rows.push(row(IDLE, 'n8n', sample(server.pid), `n8n ${server.version}, SQLite, its 3 bench workflows active`));
      } finally {
        await server.stop();
      }
    });
  }
  return failures;
}
