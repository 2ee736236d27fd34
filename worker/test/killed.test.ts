import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals, devMail, records, and, eq, sql } from '@conduit/core/testing';
import { decideApproval, getApproval } from '@conduit/core/domain';
import { APPROVAL_SIGNAL } from '@conduit/core/temporal';
import type { WorkflowHandle } from '@temporalio/client';
import { startHarness, until, type Harness } from './harness';

/**
 * A worker SIGKILLed (no graceful shutdown) while a run sits in a durable timer: a `wait`, a
 * retry's back-off, and an approval. The next worker picks the run up; nothing before the kill runs
 * again, nothing after it is skipped. (Killed mid-loop: for-each.test.ts; an approval across a
 * graceful worker restart: approval.test.ts.)
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

/** Whether the run's history holds the completed openApproval activity. */
async function opened(handle: WorkflowHandle): Promise<boolean> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'openApproval').map((e) => String(e.eventId)));
  return events.some((e) => scheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)));
}

describe('a worker killed while a run waits for approval', () => {
  it('the decision made while no worker runs reaches the next worker; the run takes that branch, the steps before the kill once', async () => {
    const child = await h.workerProcess();
    const r = await h.startRun([
      { id: 'before', type: 'create_record', object: 'killed_approval_before', data: { n: 1 } },
      { id: 'ask', type: 'wait_for_approval', approvers: ['ann@example.com'], message: 'Ship it?', timeout: '1h', onTimeout: 'fail' },
      {
        id: 'gate',
        type: 'condition',
        if: { all: [{ left: '{{steps.ask.output.decision}}', op: 'eq', right: 'rejected' }] },
        then: [{ id: 'on_reject', type: 'create_record', object: 'killed_approval_rejected', data: { by: '{{steps.ask.output.by}}' } }],
        else: [{ id: 'on_approve', type: 'create_record', object: 'killed_approval_approved', data: { n: 1 } }],
      },
    ]);
    await until(async () => (await h.steps(r.executionId)).ask?.status === 'running');
    // The approval row and its mail are written before the step waits; both exist before the kill,
    // and the server has the opening's result (a kill before that is the opening's retry, not this test).
    await until(async () => (await h.db.select().from(devMail).where(eq(devMail.executionId, r.executionId))).length === 1);
    await until(async () => await opened(r.handle));
    const [row] = await h.db.select().from(approvals).where(eq(approvals.executionId, r.executionId));
    if (!row) throw new Error('no approval row');
    await child.kill();

    // Decided (and signalled, as the API does) while no worker runs at all.
    const view = (await getApproval(h.db, { workspaceId: h.workspaceId, id: row.id }))!;
    const d = await decideApproval(h.db, view, { decision: 'reject', by: 'ann@example.com', comment: 'not today', at: new Date() });
    if (!d.ok) throw new Error('not decided');
    await r.handle.signal(APPROVAL_SIGNAL, d.signal);
    await new Promise((res) => setTimeout(res, 1_000));
    expect((await h.execution(r.executionId))!.status).toBe('running');

    await h.startWorker();
    expect((await r.handle.result()).status).toBe('completed');
    const s = await h.steps(r.executionId);
    expect(s.ask?.output).toMatchObject({ decision: 'rejected', by: 'ann@example.com', comment: 'not today', timedOut: false });
    expect(s.on_reject?.status).toBe('completed');
    expect(s.on_approve?.status).toBe('skipped');
    expect(await count('killed_approval_rejected')).toBe(1);
    expect(await count('killed_approval_approved')).toBe(0);
    expect(await count('killed_approval_before')).toBe(1);
    // The approval was opened once: the next worker replayed it, it did not ask again.
    expect(await h.db.select().from(approvals).where(eq(approvals.executionId, r.executionId))).toHaveLength(1);
    expect(await h.db.select().from(devMail).where(eq(devMail.executionId, r.executionId))).toHaveLength(1);
  });

  it('killed while opening the approval: the next worker opens it within seconds, once, and the run goes on', async () => {
    const child = await h.workerProcess();
    // Hold the mail table so the opening stops mid-way (row written, mail not yet), then kill there.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const tx = h.db.transaction(async (t) => {
      await t.execute(sql`lock table dev_mail in exclusive mode`);
      locked();
      await held;
    });
    await isLocked;
    const r = await h.startRun([
      { id: 'ask', type: 'wait_for_approval', approvers: ['ann@example.com'], message: 'Ship it?', timeout: '1h', onTimeout: 'fail' },
      { id: 'after', type: 'create_record', object: 'killed_opening_after', data: { n: 1 } },
    ]);
    const waiting = sql`select pid from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%dev_mail%'`;
    await until(async () => ((await h.db.execute(waiting)) as { rows: unknown[] }).rows.length > 0);
    await child.kill();
    // The dead worker's statement goes with its connection, as PostgreSQL would find on its own.
    await h.db.execute(sql`select pg_terminate_backend(pid) from (${waiting}) w`);
    release();
    await tx;

    await h.startWorker();
    // The heartbeat timeout (5 s), not the opening's 2-minute budget, decides when it is tried again.
    await until(async () => await opened(r.handle), 30_000);
    const [row] = await h.db.select().from(approvals).where(eq(approvals.executionId, r.executionId));
    expect(row?.status).toBe('pending');
    expect(await h.db.select().from(devMail).where(eq(devMail.executionId, r.executionId))).toHaveLength(1);

    const view = (await getApproval(h.db, { workspaceId: h.workspaceId, id: row!.id }))!;
    const d = await decideApproval(h.db, view, { decision: 'approve', by: 'ann@example.com', comment: null, at: new Date() });
    if (!d.ok) throw new Error('not decided');
    await r.handle.signal(APPROVAL_SIGNAL, d.signal);
    expect((await r.handle.result()).status).toBe('completed');
    expect(await count('killed_opening_after')).toBe(1);
  });
});
