import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTemporalDevServer, type TemporalDevServer } from '@conduit/local/testing';

// The container's entry, as ECS runs it: its own process, configured by the environment only.
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let temporal: TemporalDevServer;
let worker: ChildProcess;
let out = '';
let healthUrl: string;

const health = async () => {
  const res = await fetch(healthUrl, { signal: AbortSignal.timeout(3_000) });
  return { status: res.status, body: await res.json() };
};
const until = async (what: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out; worker output:\n${out.slice(-3_000)}`);
};

beforeAll(async () => {
  // Its own Temporal: the standalone worker polls the shared task queue name, which no other test may see.
  temporal = await startTemporalDevServer();
  const port = await freePort();
  healthUrl = `http://127.0.0.1:${port}/healthz`;
  worker = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: 'memory://',
      TEMPORAL_ADDRESS: temporal.address,
      ENCRYPTION_KEY: 'a'.repeat(64),
      HEALTH_PORT: String(port),
      WORKER_SHUTDOWN_GRACE_SECONDS: '2',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  worker.stderr!.on('data', (b: Buffer) => (out += b.toString()));
}, 180_000);

afterAll(async () => {
  if (worker.exitCode === null) worker.kill('SIGKILL');
  await temporal?.stop().catch(() => undefined);
});

describe('the standalone worker (worker/src/main.ts)', () => {
  it('answers /healthz with 200 once it runs, and keeps answering 200 while Temporal is down', async () => {
    await until(async () => (await health()).status === 200, 120_000);
    expect(await health()).toEqual({ status: 200, body: { status: 'ok' } });
    await temporal.stop();
    // Liveness must not depend on Temporal: an outage must not get every healthy task replaced.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await health()).status).toBe(200);
    expect((await fetch(healthUrl.replace('/healthz', '/other'))).status).toBe(404);
  }, 180_000);

  it('stops cleanly on SIGTERM within its shutdown grace', async () => {
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('worker stopped');
  }, 60_000);
});

describe('the standalone worker refusing an unprotected Temporal', () => {
  it('exits at start, before opening anything, when Temporal is remote and neither a key nor a certificate is set', async () => {
    let text = '';
    const p = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, DATABASE_URL: 'memory://', TEMPORAL_ADDRESS: 'temporal.example.com:7233', TEMPORAL_API_KEY: '', ENCRYPTION_KEY: 'a'.repeat(64) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout!.on('data', (b: Buffer) => (text += b.toString()));
    p.stderr!.on('data', (b: Buffer) => (text += b.toString()));
    const code = await new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(text).toContain('Refusing a plaintext, unauthenticated connection to Temporal at temporal.example.com:7233');
    expect(text).not.toContain('worker started');
  }, 60_000);
});
