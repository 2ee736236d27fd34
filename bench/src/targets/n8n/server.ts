import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@conduit/local/testing';
import { Fatal, pollUntil } from '../../bounded';
import { onCleanup } from '../../cleanup';
import { runToEnd, spawnGroup } from '../../proc';
import type { N8nInstall } from './install';
import { N8N_PATHS, codeChainWorkflow, loopWorkflow, webhookSetWorkflow } from './workflows';

export type N8nServer = {
  url: string;
  webhookUrl: (path: string) => string;
  version: string;
  pid: number | undefined;
  /** The queue-mode worker's process, when n8n runs in queue mode. */
  workerPid?: number | undefined;
  stop: () => Promise<void>;
};

/**
 * n8n's queue mode as its docs set it up: EXECUTIONS_MODE=queue, Bull on Redis, a PostgreSQL
 * database shared by the main process (which takes the webhooks) and one worker (which runs them).
 */
export type N8nQueueMode = { redis: { host: string; port: number }; databaseUrl: string };

function queueEnv(q: N8nQueueMode): NodeJS.ProcessEnv {
  const db = new URL(q.databaseUrl);
  return {
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_REDIS_HOST: q.redis.host,
    QUEUE_BULL_REDIS_PORT: String(q.redis.port),
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: db.hostname,
    DB_POSTGRESDB_PORT: db.port || '5432',
    DB_POSTGRESDB_DATABASE: decodeURIComponent(db.pathname.slice(1)),
    DB_POSTGRESDB_USER: decodeURIComponent(db.username),
    DB_POSTGRESDB_PASSWORD: decodeURIComponent(db.password),
    // Main and worker must share it (both also share the user folder, which holds it otherwise).
    N8N_ENCRYPTION_KEY: randomBytes(24).toString('base64'),
  };
}

/** The settings of BENCH-PEER.md: SQLite default, no telemetry, no task runners, legacy expression engine. */
function n8nEnv(userFolder: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_RUNNERS_ENABLED: 'false',
    N8N_EXPRESSION_ENGINE: 'legacy',
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    N8N_LOG_LEVEL: 'warn',
  };
}

/** Starts n8n with a fresh user folder, the bench's workflows imported and active; with `queue`, a main process and one worker. */
export async function startN8n(install: N8nInstall, log: (s: string) => void, queue?: N8nQueueMode): Promise<N8nServer> {
  const userFolder = mkdtempSync(join(tmpdir(), 'conduit-bench-n8n-'));
  const port = await freePort();
  const env = { ...n8nEnv(userFolder, port), ...(queue ? queueEnv(queue) : {}) };
  const cli = (args: string[]) => runToEnd(process.execPath, [install.bin, ...args], { env, cwd: install.dir, timeoutMs: 180_000 });
  const workflows = [webhookSetWorkflow('BenchWebhookSet1'), codeChainWorkflow('BenchCodeChain40'), loopWorkflow('BenchLoopItems1')];
  // One CLI call each to import and to activate: every n8n command boots the whole app (seconds).
  const dir = join(userFolder, 'workflows');
  mkdirSync(dir);
  for (const wf of workflows) writeFileSync(join(dir, `${wf.id}.json`), JSON.stringify(wf));
  log(`n8n: importing ${workflows.map((w) => `"${w.name}"`).join(', ')}`);
  await cli(['import:workflow', '--separate', `--input=${dir}`]);
  await cli(['update:workflow', '--all', '--active=true']);
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnGroup(process.execPath, [install.bin, 'start'], { env, cwd: install.dir });
  // The worker with n8n's default concurrency (10 runs at a time); its health port is its own.
  const worker = queue
    ? spawnGroup(process.execPath, [install.bin, 'worker'], {
        env: { ...env, N8N_PORT: String(await freePort()), QUEUE_HEALTH_CHECK_PORT: String(await freePort()) },
        cwd: install.dir,
      })
    : undefined;
  const forget = onCleanup(async () => {
    await proc.stop(3_000);
    await worker?.stop(3_000);
  });
  const stop = async () => {
    forget();
    await proc.stop(15_000);
    await worker?.stop(15_000);
    rmSync(userFolder, { recursive: true, force: true });
  };
  try {
    await pollUntil(
      'n8n /healthz',
      async () => {
        if (proc.child.exitCode !== null) throw new Fatal(`n8n exited ${proc.child.exitCode}`);
        if (worker && worker.child.exitCode !== null) throw new Fatal(`n8n worker exited ${worker.child.exitCode}: ${worker.output().slice(-2_000)}`);
        const r = await fetch(`${url}/healthz`);
        return r.ok ? true : undefined;
      },
      { ms: 180_000, intervalMs: 250 },
    );
    // Active webhooks are registered a moment after the server answers health checks; in queue mode
    // a probe answered 2xx also proves the worker runs them.
    for (const path of Object.values(N8N_PATHS)) {
      await pollUntil(
        `n8n webhook /${path}`,
        async () => {
          const r = await fetch(`${url}/webhook/${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"n":"probe","items":[0]}',
          });
          await r.arrayBuffer();
          return r.ok ? true : undefined;
        },
        { ms: 60_000, intervalMs: 250 },
      );
    }
  } catch (e) {
    const out = proc.output();
    await stop();
    throw new Error(`${(e as Error).message}\n${out.slice(-3_000)}`);
  }
  return { url, webhookUrl: (path) => `${url}/webhook/${path}`, version: install.version, pid: proc.child.pid, workerPid: worker?.child.pid, stop };
}
