import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { records, and, eq } from '@conduit/core/testing';
import { startHarness, until, type Harness } from './harness';

/**
 * A worker SIGKILLed (no graceful shutdown) while a run sits in a durable timer: a `wait`, and a
 * retry's back-off. The next worker picks the run up; nothing before the kill runs again, nothing
 * after it is skipped. (Killed mid-loop: for-each.test.ts; an approval across a worker restart:
 * approval.test.ts.)
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ db: 'pg', env: { HTTP_ALLOWLIST: '127.0.0.1' } });
});
afterAll(async () => {
  await h?.close();
});

const count = async (object: string) =>
  (
    await h.db
      .select({ id: records.id })
      .from(records)
      .where(and(eq(records.workspaceId, h.workspaceId), eq(records.object, object)))
  ).length;

describe('a worker killed in a durable timer', () => {
  let server: Server;
  const hits: Array<{ at: number; key: string }> = [];
  beforeAll(async () => {
    // Fails the first call, then answers: the step's retry waits out its back-off in between.
    server = createServer((req, res) => {
      hits.push({ at: Date.now(), key: String(req.headers['idempotency-key']) });
      res.writeHead(hits.length === 1 ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('during a wait: the run finishes once the next worker starts, each step once', async () => {
    const child = await h.workerProcess();
    const r = await h.startRun([
      { id: 'before', type: 'create_record', object: 'killed_wait_before', data: { n: 1 } },
      { id: 'nap', type: 'wait', duration: '3s' },
      { id: 'after', type: 'create_record', object: 'killed_wait_after', data: { n: 1 } },
    ]);
    await until(async () => (await h.steps(r.executionId)).nap?.status === 'running');
    await child.kill();
    // Past the timer with no worker: the run waits for one, it is not lost or failed.
    await new Promise((res) => setTimeout(res, 3_500));
    expect((await h.execution(r.executionId))!.status).toBe('running');
    await h.startWorker();
    expect((await r.handle.result()).status).toBe('completed');
    expect(await count('killed_wait_before')).toBe(1);
    expect(await count('killed_wait_after')).toBe(1);
    const s = await h.steps(r.executionId);
    expect([s.before?.status, s.nap?.status, s.after?.status]).toEqual(['completed', 'completed', 'completed']);
  });

  it('during a retry back-off: the next worker makes the second attempt, under the same idempotency key', async () => {
    const child = await h.workerProcess();
    const port = (server.address() as { port: number }).port;
    const r = await h.startRun([
      {
        id: 'call',
        type: 'send_webhook',
        method: 'POST',
        url: `http://127.0.0.1:${port}/flaky`,
        body: { n: 1 },
        retry: { maxAttempts: 3, initialIntervalMs: 4_000, backoffCoefficient: 2, maxIntervalMs: 4_000 },
      },
      { id: 'after', type: 'create_record', object: 'killed_backoff_after', data: { n: 1 } },
    ]);
    await until(async () => hits.length >= 1);
    await child.kill();
    await h.startWorker();
    expect((await r.handle.result()).status).toBe('completed');
    // The failed attempt and the one after the back-off: no third, and no second effect under a new key.
    expect(hits).toHaveLength(2);
    expect(hits[1]!.key).toBe(hits[0]!.key);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(3_500);
    expect(await count('killed_backoff_after')).toBe(1);
    expect((await h.steps(r.executionId)).call?.status).toBe('completed');
  });
});
