import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import { events, workflowExecutions, eq, inArray, sql, type DbHandle } from '@conduit/core/testing';
import { createExecution, createRecord, listEvents, replayEvent } from '@conduit/core/domain';
import { createSqsQueue } from '@conduit/core/events';
import { createDispatcher, createSweeper, replayAndPublish } from '../src/dispatch';
import { createIngress, generateHookId } from '../src/ingress';
import { createRunStarter } from '../src/runs';
import { createTestDb } from '@conduit/local/testing';
import {
  ENCRYPTION_KEY,
  connectTemporal,
  createTestQueues,
  isolatedTaskQueue,
  seedWorkflow,
  seedWorkspace,
  startedInput,
  waitUntil,
} from './dispatch-fixtures';

describe('nothing is lost (PostgreSQL, moto, Temporal)', () => {
  let h: DbHandle;
  let temporal: { client: Client; close: () => Promise<void> };
  let dispatcher: ReturnType<typeof createDispatcher>;
  let ws: { workspaceId: string; companyId: string };
  let sqs: Awaited<ReturnType<typeof createTestQueues>>;

  beforeAll(async () => {
    h = await createTestDb('pg');
    temporal = await connectTemporal();
    const runs = createRunStarter({ db: h.db, temporal: temporal.client, taskQueue: isolatedTaskQueue() });
    dispatcher = createDispatcher({ db: h.db, runs, config: { LOOP_DEPTH_LIMIT: 5 } });
    ws = await seedWorkspace(h.db);
    sqs = await createTestQueues({ visibility: 1, maxReceiveCount: 5 });
  });
  afterAll(async () => {
    sqs?.client.destroy();
    await temporal?.close();
    await h?.close();
  });

  const runsOf = (workflowId: string) => h.db.select().from(workflowExecutions).where(eq(workflowExecutions.workflowId, workflowId));

  it('a dispatcher that dies between receive and start loses nothing: the message comes back and one run starts', async () => {
    const queue = createSqsQueue({ queueUrl: sqs.queueUrl, endpoint: sqs.endpoint });
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: 'crash' } });
    const change = await createRecord(h.db, { workspaceId: ws.workspaceId, object: 'crash', data: { n: 1 } });
    await queue.publish(change.event);

    // Dispatcher A receives the message, writes the execution row, and dies before starting Temporal
    // (no delete, no start): exactly the state such a crash leaves.
    const got = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, WaitTimeSeconds: 2 }));
    expect(got.Messages).toHaveLength(1);
    const orphan = await createExecution(h.db, {
      workspaceId: ws.workspaceId,
      workflowId: wf.workflowId,
      versionId: wf.versionId,
      eventId: change.event.id,
      input: null,
    });

    // After the visibility timeout, dispatcher B gets the same message and finishes the job.
    const handled = await waitUntil('redelivery', async () => (await queue.pollOnce(dispatcher.handle, { waitSeconds: 1 })) > 0);
    expect(handled).toBeTruthy();
    const rows = await runsOf(wf.workflowId);
    expect(rows.map((r) => r.id)).toEqual([orphan.execution.id]);
    expect((await startedInput(temporal.client, orphan.execution.id)).eventId).toBe(change.event.id);
    const [e] = await h.db.select().from(events).where(eq(events.id, change.event.id));
    expect(e).toMatchObject({ status: 'dispatched', outcome: { runs: [orphan.execution.id], deduplicated: 0 } });

    // Any later copy of the message starts nothing more.
    await dispatcher.dispatchEventById(change.event.id);
    expect(await runsOf(wf.workflowId)).toHaveLength(1);
  });

  it('an event committed while the queue is down is dispatched by the sweeper once the queue is back', async () => {
    const down = createSqsQueue({ queueUrl: 'http://127.0.0.1:9/000000000000/down', endpoint: 'http://127.0.0.1:9' });
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false }, hookId: generateHookId() });
    const recWf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_updated', object: 'outage' } });
    const ingress = createIngress({ db: h.db, queue: down, config: { WEBHOOK_BODY_LIMIT: 1 << 20, ENCRYPTION_KEY } });
    const res = await ingress.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"during":"outage"}' });
    // Stored, so accepted, although the publish failed.
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: string };
    // A record change committed through the outbox with no publish at all (the process died).
    const rec = await createRecord(h.db, { workspaceId: ws.workspaceId, object: 'outage', data: { a: 1 } });
    // Nobody listens to the creation of these records: it was settled as it was written, nothing to sweep.
    expect(rec.event).toMatchObject({ status: 'dispatched', outcome: { runs: [], deduplicated: 0 } });
    const { updateRecord } = await import('@conduit/core/domain');
    const upd = await updateRecord(h.db, { workspaceId: ws.workspaceId, object: 'outage', id: rec.record.id, data: { a: 2 } });
    // The down sweeper cannot publish either, and leaves the events undispatched.
    await expect(createSweeper({ db: h.db, queue: down }, { olderThanMs: 0 }).sweepOnce()).rejects.toThrow();
    expect(await runsOf(wf.workflowId)).toHaveLength(0);

    // The queue is back: the sweeper re-publishes, a consumer dispatches.
    const up = createSqsQueue({ queueUrl: sqs.queueUrl, endpoint: sqs.endpoint });
    const swept = await createSweeper({ db: h.db, queue: up }, { olderThanMs: 0 }).sweepOnce();
    expect(swept.republished).toBeGreaterThanOrEqual(2);
    await waitUntil('both runs', async () => {
      await up.pollOnce(dispatcher.handle, { waitSeconds: 1 });
      return (await runsOf(wf.workflowId)).length === 1 && (await runsOf(recWf.workflowId)).length === 1;
    });
    const [run] = await runsOf(wf.workflowId);
    expect((await startedInput(temporal.client, run!.id)).trigger).toMatchObject({ kind: 'webhook', body: { during: 'outage' } });
    expect((await runsOf(recWf.workflowId))[0]!.eventId).toBe(upd!.event.id);
    const [e] = await h.db.select().from(events).where(eq(events.id, eventId));
    expect(e!.dispatchedAt).not.toBeNull();
    // Nothing is left to sweep.
    expect((await createSweeper({ db: h.db, queue: up }, { olderThanMs: 0 }).sweepOnce()).republished).toBe(0);
  });

  it('keeps an event pending while runs cannot start, marks it failed after the last attempt, and replay recovers it', async () => {
    const { Client } = await import('@temporalio/client');
    // A real Temporal refusal: the namespace does not exist.
    const broken = new Client({ connection: temporal.client.connection, namespace: `missing-${crypto.randomUUID()}` });
    const brokenDispatcher = createDispatcher({
      db: h.db,
      runs: createRunStarter({ db: h.db, temporal: broken, taskQueue: isolatedTaskQueue() }),
      config: { LOOP_DEPTH_LIMIT: 5 },
    });
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: 'tdown' } });
    const c = await createRecord(h.db, { workspaceId: ws.workspaceId, object: 'tdown', data: {} });
    await expect(brokenDispatcher.dispatchEventById(c.event.id)).rejects.toThrow(/failed to start/);
    let [e] = await h.db.select().from(events).where(eq(events.id, c.event.id));
    expect(e).toMatchObject({ status: 'pending', attempts: 1, dispatchedAt: null });
    expect(e!.outcome?.error).toBeTruthy();
    await h.db.update(events).set({ attempts: 7 }).where(eq(events.id, c.event.id));
    await brokenDispatcher.dispatchEventById(c.event.id);
    [e] = await h.db.select().from(events).where(eq(events.id, c.event.id));
    expect(e).toMatchObject({ status: 'failed', attempts: 8 });
    expect(e!.dispatchedAt).not.toBeNull();
    // Replay resets it; with Temporal healthy the run starts, once (the row from the failed tries is reused).
    const r = await replayEvent(h.db, { workspaceId: ws.workspaceId, id: c.event.id });
    expect(r?.mode).toBe('reset');
    await dispatcher.dispatchEventById(c.event.id);
    const rows = await runsOf(wf.workflowId);
    expect(rows).toHaveLength(1);
    expect((await startedInput(temporal.client, rows[0]!.id)).eventId).toBe(c.event.id);
  });

  it('the sweeper backs off per event: a re-sent event waits twice as long each time', async () => {
    await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: 'slowpoke' } });
    const c = await createRecord(h.db, { workspaceId: ws.workspaceId, object: 'slowpoke', data: {} });
    await h.db.update(events).set({ receivedAt: sql`now() - interval '1 minute'` }).where(eq(events.id, c.event.id));
    const published: string[] = [];
    const sweeper = createSweeper({ db: h.db, queue: { kind: 'in-process', publish: async (e) => void published.push(e.id) } }, { olderThanMs: 2_000 });
    const sentOf = async () => {
      await sweeper.sweepOnce();
      return published.filter((id) => id === c.event.id).length;
    };
    expect(await sentOf()).toBe(1);
    // Still queued somewhere (slow, not lost): the next sweep leaves it alone.
    expect(await sentOf()).toBe(1);
    let [e] = await h.db.select().from(events).where(eq(events.id, c.event.id));
    expect(e).toMatchObject({ sweeps: 1 });
    // 3 s later it is still inside its 4 s backoff (2 s × 2^1); at 5 s it is due again.
    await h.db.update(events).set({ sweptAt: sql`now() - interval '3 seconds'` }).where(eq(events.id, c.event.id));
    expect(await sentOf()).toBe(1);
    await h.db.update(events).set({ sweptAt: sql`now() - interval '5 seconds'` }).where(eq(events.id, c.event.id));
    expect(await sentOf()).toBe(2);
    [e] = await h.db.select().from(events).where(eq(events.id, c.event.id));
    expect(e).toMatchObject({ sweeps: 2 });
    // The third re-send waits 8 s.
    await h.db.update(events).set({ sweptAt: sql`now() - interval '5 seconds'` }).where(eq(events.id, c.event.id));
    expect(await sentOf()).toBe(2);
    await h.db.update(events).set({ dispatchedAt: new Date() }).where(eq(events.id, c.event.id));
  });

  it('a queue failing halfway through a sweep keeps the slices it took: those are not re-sent at once', async () => {
    await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: 'halfway' } });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await createRecord(h.db, { workspaceId: ws.workspaceId, object: 'halfway', data: { i } })).event.id);
    // Older than anything else left undispatched here, so they are this sweep's first five.
    await h.db.update(events).set({ receivedAt: sql`now() - interval '1 year'` }).where(inArray(events.id, made));
    const sent: string[] = [];
    let calls = 0;
    const flaky = {
      kind: 'in-process' as const,
      publish: async () => {
        throw new Error('publishMany is used');
      },
      publishMany: async (es: Array<{ id: string }>) => {
        if (++calls === 2) throw new Error('queue went away');
        sent.push(...es.map((e) => e.id));
      },
    };
    await expect(createSweeper({ db: h.db, queue: flaky }, { olderThanMs: 0, sliceSize: 2 }).sweepOnce()).rejects.toThrow(
      /after 2 of \d+ re-sends: queue went away/,
    );
    expect(sent).toEqual(made.slice(0, 2));
    const rows = await h.db.select({ id: events.id, sweeps: events.sweeps }).from(events).where(inArray(events.id, made));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.sweeps]))).toEqual(Object.fromEntries(made.map((id, i) => [id, i < 2 ? 1 : 0])));
    await h.db.update(events).set({ dispatchedAt: new Date() }).where(inArray(events.id, made));
  });

  it('the sweeper leaves young events to the normal path', async () => {
    await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: 'young' } });
    const young = await createRecord(h.db, { workspaceId: ws.workspaceId, object: 'young', data: {} });
    expect(young.event.dispatchedAt).toBeNull();
    const published: string[] = [];
    const sweeper = createSweeper({ db: h.db, queue: { kind: 'in-process', publish: async (e) => void published.push(e.id) } }, { olderThanMs: 60_000 });
    expect(await sweeper.sweepOnce()).toEqual({ republished: 0 });
  });

  it('lists events with their outcome and replays one (reset when undispatched, copy when dispatched)', async () => {
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: 'replay' } });
    const a = await createRecord(h.db, { workspaceId: ws.workspaceId, object: 'replay', data: { n: 1 } });
    await dispatcher.dispatchEventById(a.event.id);
    const page = await listEvents(h.db, { workspaceId: ws.workspaceId, status: 'dispatched', limit: 2 });
    expect(page.items.length).toBe(2);
    expect(page.items[0]).not.toHaveProperty('payload');
    const next = await listEvents(h.db, { workspaceId: ws.workspaceId, status: 'dispatched', limit: 2, cursor: page.nextCursor! });
    expect(next.items.map((e) => e.id)).not.toContain(page.items[0]!.id);
    const mine = (await listEvents(h.db, { workspaceId: ws.workspaceId, limit: 200 })).items.find((e) => e.id === a.event.id);
    expect(mine).toMatchObject({ status: 'dispatched', outcome: { runs: [expect.any(String)], deduplicated: 0 } });
    // Another workspace sees none of it.
    const other = await seedWorkspace(h.db);
    expect((await listEvents(h.db, { workspaceId: other.workspaceId })).items).toEqual([]);
    expect(await replayEvent(h.db, { workspaceId: other.workspaceId, id: a.event.id })).toBeNull();

    // Replaying a dispatched event copies it, and its workflow runs again.
    const published: string[] = [];
    const capture = { kind: 'in-process' as const, publish: async (e: { id: string }) => void published.push(e.id) };
    const copy = await replayAndPublish({ db: h.db, queue: capture }, { workspaceId: ws.workspaceId, id: a.event.id });
    expect(copy).toMatchObject({ mode: 'copy', replayOf: a.event.id });
    expect(published).toEqual([copy!.event.id]);
    await dispatcher.dispatchEventById(copy!.event.id);
    expect(await runsOf(wf.workflowId)).toHaveLength(2);

    // An undispatched event is reset and republished under its own id.
    const b = await createRecord(h.db, { workspaceId: ws.workspaceId, object: 'replay', data: { n: 2 } });
    await h.db.update(events).set({ status: 'failed', attempts: 8 }).where(eq(events.id, b.event.id));
    const reset = await replayAndPublish({ db: h.db, queue: capture }, { workspaceId: ws.workspaceId, id: b.event.id });
    expect(reset).toMatchObject({ mode: 'reset' });
    expect(reset!.event).toMatchObject({ id: b.event.id, status: 'pending', attempts: 0 });
    await dispatcher.dispatchEventById(b.event.id);
    expect(await runsOf(wf.workflowId)).toHaveLength(3);
  });
});
