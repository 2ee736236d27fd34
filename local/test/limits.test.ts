/**
 * Per-workspace limits through the whole stack (HTTP API, ingress, dispatcher, run starter,
 * promoter, worker on the real Temporal dev server; PGlite as `npm start` runs it, and PostgreSQL): concurrent runs beyond the limit
 * wait queued and start as slots free, events beyond the workspace's rate are refused with 429 and
 * Retry-After and counted, and the monthly quota warns admins at 80 % and refuses at 100 %.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WorkspaceUsageDtoSchema } from '@conduit/core/api';
import { usageMonth } from '@conduit/core/domain';
import { sql } from '@conduit/core/testing';
import { rowsOf } from '@conduit/core/db';
import { runSetLimits } from '../src/admin';
import { createDatabase } from '../src/services/postgres';
import { signIn, postHook, type ApiClient } from '../src/testing/api-client';
import { testEnv } from '../src/testing/env';
import { startStack, type TestStack } from '../src/testing/stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A receiver that answers after `delayMs`: a step that keeps its run busy (a wait step would not hold a slot). */
async function slowReceiver(delayMs: number) {
  const server = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('ok'), delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`, close: () => new Promise((r) => server.close(r)) };
}

describe.each(['pglite', 'pg'] as const)('workspace limits on %s', (kind) => {
  let stack: TestStack;
  let api: ApiClient;
  let slow: Awaited<ReturnType<typeof slowReceiver>>;
  const slowCall = () => [{ id: 'call', type: 'send_webhook', method: 'POST', url: slow.url, body: { n: '{{trigger.body.i}}' } }];
  const db = () => stack.database.db;
  const slug = () => api.workspace.slug;
  const usage = () => api.call(WorkspaceUsageDtoSchema, 'GET', `/api/workspaces/${api.workspace.id}/usage`);
  const setLimits = (...args: string[]) => runSetLimits(['--workspace', slug(), ...args], db());

  beforeAll(async () => {
    const databaseUrl = kind === 'pg' ? await createDatabase(testEnv.databaseServerUrl(), 'limits') : undefined;
    // Promotion checked often, so the test waits on the runs, not on the promoter's period.
    slow = await slowReceiver(2_000);
    stack = await startStack({ ...(databaseUrl ? { databaseUrl } : {}), env: { PROMOTE_INTERVAL_MS: '100', HTTP_ALLOWLIST: '127.0.0.1' } });
    api = await signIn(stack.url, stack.login);
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await slow?.close();
  });

  it('runs beyond the concurrent-run limit wait queued, never more than the limit run at once, and all complete', { timeout: 120_000 }, async () => {
    const set = await setLimits('--concurrent-runs', '2');
    expect(set.usage.limits.maxConcurrentRuns).toBe(2);
    const wf = await api.createWorkflow({ name: 'Slow hook', trigger: { type: 'webhook' }, actions: slowCall() });
    const { workflow } = await api.activate(wf.id);
    for (let i = 0; i < 6; i++) expect((await postHook(stack.url, workflow.hookPath!, { i })).status).toBe(202);

    // Sampled while they run: slots held never exceed 2, and the queue is visible in the monitor and in Usage.
    let maxInFlight = 0;
    let sawQueued = false;
    let sawQueuedInUsage = false;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = rowsOf<{ n: number }>(
        await db().execute(sql`select count(*)::int as n from workflow_executions
          where workflow_id = ${wf.id} and (status = 'running' or (status = 'pending' and admitted_at is not null))`),
      );
      maxInFlight = Math.max(maxInFlight, row?.n ?? 0);
      const runs = await api.executions(wf.id);
      if (runs.some((r) => r.status === 'queued')) sawQueued = true;
      if (!sawQueuedInUsage && sawQueued) sawQueuedInUsage = (await usage()).queued > 0;
      if (runs.length === 6 && runs.every((r) => r.status === 'completed')) break;
      if (Date.now() > deadline) throw new Error(`runs not done: ${JSON.stringify(runs.map((r) => r.status))}`);
      await sleep(100);
    }
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(sawQueued).toBe(true);
    expect(sawQueuedInUsage).toBe(true);
    // With 2 slots and 2 s each, 6 runs take at least three rounds.
    const done = await api.waitForRuns(wf.id, 6);
    const first = Math.min(...done.map((r) => Date.parse(r.startedAt ?? r.createdAt)));
    const last = Math.max(...done.map((r) => Date.parse(r.completedAt!)));
    expect(last - first).toBeGreaterThanOrEqual(5_500);
    await setLimits('--concurrent-runs', 'none');
  });

  it('a queued run can be cancelled before it starts', { timeout: 60_000 }, async () => {
    await setLimits('--concurrent-runs', '1');
    const wf = await api.createWorkflow({ name: 'One at a time', trigger: { type: 'webhook' }, actions: slowCall() });
    const { workflow } = await api.activate(wf.id);
    await postHook(stack.url, workflow.hookPath!, { n: 1 });
    await postHook(stack.url, workflow.hookPath!, { n: 2 });
    let queuedId: string | undefined;
    for (let i = 0; i < 100 && !queuedId; i++) {
      queuedId = (await api.executions(wf.id)).find((r) => r.status === 'queued')?.id;
      if (!queuedId) await sleep(50);
    }
    expect(queuedId).toBeDefined();
    const cancelled = await api.call(
      z.object({ status: z.string() }).loose(),
      'POST',
      `/api/workspaces/${api.workspace.id}/executions/${queuedId}/cancel`,
      undefined,
      [202],
    );
    expect(cancelled.status).toBe('cancelled');
    const runs = await api.waitForRuns(wf.id, 2);
    expect(runs.map((r) => r.status).sort()).toEqual(['cancelled', 'completed']);
    // The cancelled one never reached Temporal: it has no steps.
    expect(runs.find((r) => r.id === queuedId)?.steps ?? []).toEqual([]);
    await setLimits('--concurrent-runs', 'none');
  });

  it('a run waiting on a wait step holds no slot: the next event-driven run starts at once', { timeout: 60_000 }, async () => {
    await setLimits('--concurrent-runs', '1');
    const waiting = await api.createWorkflow({ name: 'Waits a while', trigger: { type: 'webhook' }, actions: [{ id: 'pause', type: 'wait', duration: '6s' }] });
    const busy = await api.createWorkflow({ name: 'Busy after', trigger: { type: 'webhook' }, actions: slowCall() });
    const w = (await api.activate(waiting.id)).workflow;
    const b = (await api.activate(busy.id)).workflow;
    await postHook(stack.url, w.hookPath!, { i: 1 });
    // Once its wait has begun, the waiting run frees its slot.
    for (let i = 0; i < 100; i++) {
      const [run] = await api.executions(waiting.id);
      if (run && (await api.execution(run.id)).steps?.some((s) => s.actionId === 'pause' && s.status === 'running')) break;
      await sleep(50);
    }
    await postHook(stack.url, b.hookPath!, { i: 2 });
    await postHook(stack.url, b.hookPath!, { i: 3 });
    // The first busy run starts beside the waiting one; the second busy one waits for it.
    const statuses = async () => (await api.executions(busy.id)).map((r) => r.status).sort();
    let seen: string[] = [];
    for (let i = 0; i < 60 && !(seen.includes('queued') && seen.some((x) => x === 'running' || x === 'pending')); i++) {
      seen = await statuses();
      await sleep(50);
    }
    expect(seen).toContain('queued');
    expect(seen.filter((x) => x === 'running' || x === 'pending')).toHaveLength(1);
    await api.waitForRuns(busy.id, 2);
    await api.waitForRuns(waiting.id, 1);
    await setLimits('--concurrent-runs', 'none');
  });

  it('webhook events beyond the workspace rate get 429 with Retry-After, counted as refused', { timeout: 60_000 }, async () => {
    await setLimits('--events-per-second', '3');
    const wf = await api.createWorkflow({ name: 'Busy hook', trigger: { type: 'webhook' }, actions: [{ id: 'pause', type: 'wait', duration: '1s' }] });
    const { workflow } = await api.activate(wf.id);
    // The hook lookup (and the limit with it) is cached for up to 2 s.
    await sleep(2_100);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${stack.url}${workflow.hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"i":${i}}` }),
      ),
    );
    const refused = answers.filter((r) => r.status === 429);
    const accepted = answers.filter((r) => r.status === 202);
    // Burst of twice the rate, and a little refill while the 20 calls are answered.
    expect(accepted.length).toBeGreaterThanOrEqual(6);
    expect(accepted.length).toBeLessThanOrEqual(9);
    expect(refused.length).toBe(20 - accepted.length);
    expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused[0]!.json()) as { error: { message: string } }).error.message).toMatch(/accepts 3 events per second/);
    // Counted per minute, written within a few seconds: Usage and the workflow's refusals show them.
    let seen = 0;
    for (let i = 0; i < 50 && seen < refused.length; i++) {
      seen = (await usage()).refusedEvents24h;
      if (seen < refused.length) await sleep(200);
    }
    expect(seen).toBe(refused.length);
    await api.waitForRuns(wf.id, accepted.length);
    await setLimits('--events-per-second', 'none');
  });

  it('the monthly quota mails admins at 80 % and refuses runs at 100 %, with a clear message', { timeout: 60_000 }, async () => {
    const month = usageMonth();
    // Ten runs a month, seven of them used: the next run crosses 80 %.
    await setLimits('--monthly-runs', '10');
    await db().execute(sql`insert into workspace_usage (workspace_id, month, runs) values (${api.workspace.id}, ${month}, 7)
      on conflict (workspace_id, month) do update set runs = 7`);
    const wf = await api.createWorkflow({ name: 'Counted', trigger: { type: 'manual' }, actions: [{ id: 'pause', type: 'wait', duration: '1s' }] });
    await api.activate(wf.id);
    const runNow = (expect: number[]) =>
      api.call(z.object({ id: z.string() }).loose(), 'POST', `/api/workspaces/${api.workspace.id}/workflows/${wf.id}/run`, {}, expect);
    await runNow([200, 201, 202]);

    const mails = z.object({ items: z.array(z.object({ subject: z.string(), to: z.array(z.string()), text: z.string().nullable() }).loose()) }).loose();
    let warning: { subject: string; to: string[]; text: string | null } | undefined;
    for (let i = 0; i < 50 && !warning; i++) {
      warning = (await api.call(mails, 'GET', `/api/workspaces/${api.workspace.id}/dev-mail`)).items.find((m) => /monthly runs/.test(m.subject));
      if (!warning) await sleep(100);
    }
    expect(warning?.subject).toMatch(/has used 80 % of its monthly runs/);
    expect(warning?.to).toContain(stack.login.email);
    expect(warning?.text).toMatch(/8 of its 10 runs this month/);

    await runNow([200, 201, 202]);
    await runNow([200, 201, 202]);
    expect((await usage()).runs).toBe(10);
    // The eleventh: refused, said plainly, and no run starts.
    const r = await fetch(`${stack.url}/api/workspaces/${api.workspace.id}/workflows/${wf.id}/run`, {
      method: 'POST',
      headers: { cookie: api.cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(429);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('quota_exceeded');
    expect(body.error.message).toMatch(/used its monthly quota of 10 runs/);
    const runs = await api.waitForRuns(wf.id, 4);
    expect(runs.filter((x) => x.status === 'completed')).toHaveLength(3);
    const refusedRun = runs.find((x) => x.status === 'cancelled');
    expect(refusedRun?.error).toMatch(/monthly quota/);
    // Warned once: the runs after 80 % sent no second mail.
    const all = (await api.call(mails, 'GET', `/api/workspaces/${api.workspace.id}/dev-mail`)).items.filter((m) => /monthly runs/.test(m.subject));
    expect(all).toHaveLength(1);
    await setLimits('--monthly-runs', 'none');
  });
});

/** A limit of one run at once, and five webhook runs of a 0.3 s call sent to it: one admitted, four queued. */
async function oneSlotBacklog(stack: TestStack, api: ApiClient, slowUrl: string, name: string): Promise<string> {
  await runSetLimits(['--workspace', api.workspace.slug, '--concurrent-runs', '1'], stack.database.db);
  const wf = await api.createWorkflow({
    name,
    trigger: { type: 'webhook' },
    actions: [{ id: 'call', type: 'send_webhook', method: 'POST', url: slowUrl, body: { n: '{{trigger.body.i}}' } }],
  });
  const { workflow } = await api.activate(wf.id);
  for (let i = 0; i < 5; i++) expect((await postHook(stack.url, workflow.hookPath!, { i })).status).toBe(202);
  return wf.id;
}

/** All completed, and with one slot each run began after the one before it had ended. */
function expectOneAfterAnother(runs: { status: string; startedAt?: string | null; completedAt?: string | null }[]): void {
  expect(runs.map((r) => r.status)).toEqual(Array(runs.length).fill('completed'));
  const spans = runs.map((r) => [Date.parse(r.startedAt!), Date.parse(r.completedAt!)] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
}

describe('a workspace at its concurrent-run limit, as `npm start` runs it', () => {
  let stack: TestStack;
  let api: ApiClient;
  let slow: Awaited<ReturnType<typeof slowReceiver>>;

  beforeAll(async () => {
    slow = await slowReceiver(300);
    // The promoter's period is ten minutes here: only a run ending or beginning a wait can start the next one in time.
    stack = await startStack({ env: { PROMOTE_INTERVAL_MS: '600000', HTTP_ALLOWLIST: '127.0.0.1' } });
    api = await signIn(stack.url, stack.login);
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await slow?.close();
  });

  it('starts its next queued run as soon as one of its runs ends, one after another', { timeout: 90_000 }, async () => {
    const wf = await oneSlotBacklog(stack, api, slow.url, 'One slot');
    // Five runs of 0.3 s each, long before the promoter's next pass.
    expectOneAfterAnother(await api.waitForRuns(wf, 5, 30_000));
  });

  it('starts its next queued run as soon as one of its runs begins a wait', { timeout: 90_000 }, async () => {
    await runSetLimits(['--workspace', api.workspace.slug, '--concurrent-runs', '1'], stack.database.db);
    const wf = await api.createWorkflow({
      name: 'Call, then wait',
      trigger: { type: 'webhook' },
      actions: [
        { id: 'call', type: 'send_webhook', method: 'POST', url: slow.url, body: { n: '{{trigger.body.i}}' } },
        { id: 'pause', type: 'wait', duration: '10m' },
      ],
    });
    const { workflow } = await api.activate(wf.id);
    for (let i = 0; i < 3; i++) expect((await postHook(stack.url, workflow.hookPath!, { i })).status).toBe(202);
    // One admitted, two queued; each starts when the one before begins its wait, not at the promoter's next pass.
    const stepsOf = async () => Promise.all((await api.executions(wf.id)).map(async (r) => (await api.execution(r.id)).steps ?? []));
    let runs: Awaited<ReturnType<typeof stepsOf>> = [];
    for (let i = 0; i < 300; i++) {
      runs = await stepsOf();
      if (runs.length === 3 && runs.every((steps) => steps.some((s) => s.actionId === 'pause' && s.status === 'running'))) break;
      await sleep(50);
    }
    expect(runs.map((steps) => steps.find((s) => s.actionId === 'pause')?.status)).toEqual(['running', 'running', 'running']);
    // With one slot the calls still ran one after another: a waiting run holds none, a calling one does.
    const calls = runs.map((steps) => steps.find((s) => s.actionId === 'call')!);
    expectOneAfterAnother(calls.map((c) => ({ status: c.status, startedAt: c.startedAt, completedAt: c.completedAt })));
  });
});

describe('a workspace at its concurrent-run limit, with the worker in its own process (compose, the cloud)', () => {
  let stack: TestStack;
  let api: ApiClient;
  let slow: Awaited<ReturnType<typeof slowReceiver>>;
  let worker: ChildProcess | undefined;
  let out = '';

  beforeAll(async () => {
    slow = await slowReceiver(300);
    const databaseUrl = await createDatabase(testEnv.databaseServerUrl(), 'limits_worker');
    // No worker in the stack, and its promoter's period ten minutes away: only the standalone
    // worker, hearing its runs end, can start the queued ones in time.
    stack = await startStack({ databaseUrl, env: { RUN_WORKER: 'false', PROMOTE_INTERVAL_MS: '600000', HTTP_ALLOWLIST: '127.0.0.1' } });
    api = await signIn(stack.url, stack.login);
  }, 240_000);
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (worker.exitCode === null) worker.kill('SIGKILL');
    }
    await stack?.stop();
    await slow?.close();
  });

  it('the standalone worker starts the next queued run as soon as one of its runs ends', { timeout: 180_000 }, async () => {
    const wf = await oneSlotBacklog(stack, api, slow.url, 'One slot, worker apart');
    // One admitted (waiting in Temporal for a worker), four queued.
    for (let i = 0; i < 100; i++) {
      const statuses = (await api.executions(wf)).map((r) => r.status);
      if (statuses.length === 5 && statuses.filter((s) => s === 'queued').length === 4) break;
      await sleep(100);
    }
    expect((await api.executions(wf)).filter((r) => r.status === 'queued')).toHaveLength(4);

    // The container's entry, configured by the environment only, its own pass ten minutes apart too.
    worker = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../worker/src/main.ts', import.meta.url))], {
      env: {
        ...process.env,
        DATABASE_URL: stack.config.DATABASE_URL!,
        TEMPORAL_ADDRESS: stack.temporalAddress,
        TEMPORAL_NAMESPACE: stack.config.TEMPORAL_NAMESPACE,
        ENCRYPTION_KEY: stack.config.ENCRYPTION_KEY!,
        HTTP_ALLOWLIST: '127.0.0.1',
        WORKER_PROMOTE_INTERVAL_MS: '600000',
        WORKER_SHUTDOWN_GRACE_SECONDS: '2',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    worker.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const runs = await api.waitForRuns(wf, 5, 120_000).catch((e: Error) => {
      throw new Error(`${e.message}\nworker output:\n${out.slice(-3_000)}`);
    });
    expectOneAfterAnother(runs);
  });
});
