import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, workflowExecutions, workflowVersions, eq, type DbHandle } from '@conduit/core/testing';
import { appendEvent, createRecord, deleteRecord, updateRecord } from '@conduit/core/domain';
import type { Client } from '@temporalio/client';
import { createDispatcher } from '../src/dispatch';
import { createRunStarter } from '../src/runs';
import { createTestDb, type TestDbKind } from '@conduit/local/testing';
import { connectTemporal, isolatedTaskQueue, seedWorkflow, seedWorkspace, startedInput } from './dispatch-fixtures';

describe.each<TestDbKind>(['pg', 'pglite'])('dispatcher on %s', (kind) => {
  let h: DbHandle;
  let temporal: { client: Client; close: () => Promise<void> };
  let dispatcher: ReturnType<typeof createDispatcher>;
  let ws: { workspaceId: string; companyId: string };

  beforeAll(async () => {
    h = await createTestDb(kind);
    temporal = await connectTemporal();
    const runs = createRunStarter({ db: h.db, temporal: temporal.client, taskQueue: isolatedTaskQueue() });
    dispatcher = createDispatcher({ db: h.db, runs, config: { LOOP_DEPTH_LIMIT: 5 } });
    ws = await seedWorkspace(h.db);
  });
  afterAll(async () => {
    await temporal?.close();
    await h?.close();
  });

  const runsOf = (workflowId: string) => h.db.select().from(workflowExecutions).where(eq(workflowExecutions.workflowId, workflowId));
  const eventRow = async (id: string) => (await h.db.select().from(events).where(eq(events.id, id)))[0]!;

  it('starts one run per matching workflow for each record trigger, with the record payload and pinned version', async () => {
    const object = `contact_${kind}`;
    const created = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object } });
    const updated = await seedWorkflow(h.db, ws, { trigger: { type: 'record_updated', object } });
    const deleted = await seedWorkflow(h.db, ws, { trigger: { type: 'record_deleted', object } });
    const otherObject = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: `${object}x` } });
    const inactive = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object }, active: false });

    const c = await createRecord(h.db, { workspaceId: ws.workspaceId, object, data: { name: 'Ada', email: 'ada@example.com' } });
    const r1 = await dispatcher.dispatchEventById(c.event.id, ws.workspaceId);
    expect(r1).toMatchObject({ status: 'dispatched', deduplicated: 0 });
    expect(r1.status === 'dispatched' && r1.runs).toHaveLength(1);
    const [run] = await runsOf(created.workflowId);
    expect(run).toMatchObject({ eventId: c.event.id, versionId: created.versionId, recordId: c.record.id, status: 'pending' });
    const input = await startedInput(temporal.client, run!.id);
    expect(input).toMatchObject({
      executionId: run!.id,
      workspaceId: ws.workspaceId,
      workflowId: created.workflowId,
      versionId: created.versionId,
      eventId: c.event.id,
      trigger: { kind: 'record', event: 'created', object, recordId: c.record.id, record: { name: 'Ada', id: c.record.id }, previous: null },
    });
    expect(input.definition.trigger).toEqual({ type: 'record_created', object });
    expect(await runsOf(otherObject.workflowId)).toHaveLength(0);
    expect(await runsOf(inactive.workflowId)).toHaveLength(0);
    expect(await eventRow(c.event.id)).toMatchObject({ status: 'dispatched', outcome: { runs: [run!.id], deduplicated: 0 } });
    expect((await eventRow(c.event.id)).dispatchedAt).toBeInstanceOf(Date);

    const u = await updateRecord(h.db, { workspaceId: ws.workspaceId, object, id: c.record.id, data: { name: 'Ada L.' } });
    await dispatcher.dispatchEventById(u!.event.id);
    const [urun] = await runsOf(updated.workflowId);
    expect((await startedInput(temporal.client, urun!.id)).trigger).toMatchObject({
      kind: 'record',
      event: 'updated',
      record: { name: 'Ada L.' },
      previous: { name: 'Ada' },
      changed: ['name'],
    });

    const d = await deleteRecord(h.db, { workspaceId: ws.workspaceId, object, id: c.record.id });
    await dispatcher.dispatchEventById(d!.event.id);
    const [drun] = await runsOf(deleted.workflowId);
    expect((await startedInput(temporal.client, drun!.id)).trigger).toMatchObject({ kind: 'record', event: 'deleted', recordId: c.record.id });
    // Each workflow ran only for its own event type.
    expect(await runsOf(created.workflowId)).toHaveLength(1);
    expect(await runsOf(updated.workflowId)).toHaveLength(1);
  });

  it('applies field_changed with and without from/to (JSON equality)', async () => {
    const object = `deal_${kind}`;
    const any = await seedWorkflow(h.db, ws, { trigger: { type: 'field_changed', object, field: 'stage' } });
    const toWon = await seedWorkflow(h.db, ws, { trigger: { type: 'field_changed', object, field: 'stage', to: 'won' } });
    const fromOpenToWon = await seedWorkflow(h.db, ws, { trigger: { type: 'field_changed', object, field: 'stage', from: 'open', to: 'won' } });
    const tagsTo = await seedWorkflow(h.db, ws, { trigger: { type: 'field_changed', object, field: 'tags', to: { a: [1, 2], b: null } } });
    const amount = await seedWorkflow(h.db, ws, { trigger: { type: 'field_changed', object, field: 'amount' } });

    const rec = await createRecord(h.db, { workspaceId: ws.workspaceId, object, data: { stage: 'new', amount: 10 } });
    await dispatcher.dispatchEventById(rec.event.id);
    const step = async (data: Record<string, unknown>) => {
      const u = await updateRecord(h.db, { workspaceId: ws.workspaceId, object, id: rec.record.id, data: data as never });
      await dispatcher.dispatchEventById(u!.event.id);
      return u!.event.id;
    };
    const e1 = await step({ stage: 'open' }); // new → open
    const e2 = await step({ stage: 'won' }); // open → won
    await step({ stage: 'lost' }); // won → lost
    await step({ stage: 'won' }); // lost → won
    const e5 = await step({ tags: { b: null, a: [1, 2] } }); // key order differs: still equal

    const ids = async (w: { workflowId: string }) => (await runsOf(w.workflowId)).map((r) => r.eventId).sort();
    expect(await runsOf(any.workflowId)).toHaveLength(4);
    expect(await ids(toWon)).toHaveLength(2);
    expect(await ids(fromOpenToWon)).toEqual([e2]);
    expect(await ids(tagsTo)).toEqual([e5]);
    expect(await runsOf(amount.workflowId)).toHaveLength(0);
    expect(await ids(any)).toContain(e1);
    const [won] = await runsOf(fromOpenToWon.workflowId);
    expect((await startedInput(temporal.client, won!.id)).trigger).toMatchObject({ previous: { stage: 'open' }, record: { stage: 'won' }, changed: ['stage'] });
  });

  it('starts one run when the same event is delivered three times, even concurrently', async () => {
    const object = `lead_${kind}`;
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object } });
    const c = await createRecord(h.db, { workspaceId: ws.workspaceId, object, data: { n: 1 } });
    // On pg the claims overlap: a later one waits for the first one's commit and must find its row.
    const concurrent = await Promise.all([1, 2, 3].map(() => dispatcher.dispatchEventById(c.event.id)));
    await dispatcher.dispatchEventById(c.event.id);
    const rows = await runsOf(wf.workflowId);
    expect(rows).toHaveLength(1);
    const named = concurrent.flatMap((r) => (r.status === 'dispatched' ? r.runs : []));
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([rows[0]!.id]));
    // Exactly one Temporal workflow for it: the id is derived from the execution row.
    const desc = await temporal.client.workflow.getHandle(rows[0]!.temporalWorkflowId).describe();
    expect(desc.workflowId).toBe(`run-${rows[0]!.id}`);
    expect((await eventRow(c.event.id)).status).toBe('dispatched');

    // Redelivery after dispatched_at was cleared (a replayed reset) still starts nothing new.
    await h.db.update(events).set({ dispatchedAt: null, status: 'pending' }).where(eq(events.id, c.event.id));
    const again = await dispatcher.dispatchEventById(c.event.id);
    expect(again).toMatchObject({ status: 'dispatched', deduplicated: 1, runs: [rows[0]!.id] });
    expect(await runsOf(wf.workflowId)).toHaveLength(1);
  });

  it('fails a run visibly when its stored definition no longer parses, instead of leaving it pending', async () => {
    const object = `broken_${kind}`;
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object } });
    // Rows written by an older release, or by hand: nothing the run starter can send to Temporal.
    await h.db
      .update(workflowVersions)
      .set({ actions: [{ id: 'x', type: 'no_such_action' }] as never })
      .where(eq(workflowVersions.id, wf.versionId));
    const c = await createRecord(h.db, { workspaceId: ws.workspaceId, object, data: {} });
    const result = await dispatcher.dispatchEventById(c.event.id);
    const rows = await runsOf(wf.workflowId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'failed', eventId: c.event.id });
    expect(rows[0]!.error).toMatch(/the run's input is invalid/);
    expect(result).toMatchObject({ status: 'dispatched', runs: [rows[0]!.id] });
    expect((await eventRow(c.event.id)).status).toBe('dispatched');
  });

  it('stops an event past the loop depth limit and starts nothing, visibly', async () => {
    const object = `loop_${kind}`;
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_updated', object } });
    const rec = await createRecord(h.db, { workspaceId: ws.workspaceId, object, data: { n: 0 } });
    // Depth 5 is at the limit and still runs; depth 6 is past it.
    const at = await updateRecord(h.db, {
      workspaceId: ws.workspaceId,
      object,
      id: rec.record.id,
      data: { n: 5 },
      causation: { depth: 5, chain: ['a', 'b', 'c', 'd', 'e'] },
    });
    const past = await updateRecord(h.db, {
      workspaceId: ws.workspaceId,
      object,
      id: rec.record.id,
      data: { n: 6 },
      causation: { depth: 6, chain: ['a', 'b', 'c', 'd', 'e', 'f'] },
    });
    expect(await dispatcher.dispatchEventById(at!.event.id)).toMatchObject({ status: 'dispatched' });
    expect(await dispatcher.dispatchEventById(past!.event.id)).toEqual({ status: 'loop_stopped' });
    const runs = await runsOf(wf.workflowId);
    expect(runs.map((r) => r.eventId)).toEqual([at!.event.id]);
    expect((await startedInput(temporal.client, runs[0]!.id)).causation).toEqual({ depth: 5, chain: ['a', 'b', 'c', 'd', 'e'] });
    const stopped = await eventRow(past!.event.id);
    expect(stopped.status).toBe('loop_stopped');
    expect(stopped.outcome?.runs).toEqual([]);
    expect(stopped.outcome?.error).toMatch(/loop guard/);
    expect(stopped.dispatchedAt).not.toBeNull();
  });

  it('sends a webhook event to its own workflow only, and never across workspaces', async () => {
    const a = await seedWorkflow(h.db, ws, { trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false } });
    const b = await seedWorkflow(h.db, ws, { trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false } });
    const payload = {
      kind: 'webhook' as const,
      method: 'POST',
      body: { x: 1 },
      query: {},
      headers: {},
      contentType: 'application/json',
      receivedAt: new Date().toISOString(),
    };
    const e = await appendEvent(h.db, {
      workspaceId: ws.workspaceId,
      source: 'webhook',
      type: 'webhook.received',
      workflowId: a.workflowId,
      payload,
      causation: { depth: 0, chain: [] },
    });
    await dispatcher.dispatchEventById(e.id);
    expect(await runsOf(a.workflowId)).toHaveLength(1);
    expect(await runsOf(b.workflowId)).toHaveLength(0);

    // An event in another workspace naming this workflow matches nothing.
    const other = await seedWorkspace(h.db);
    const forged = await appendEvent(h.db, {
      workspaceId: other.workspaceId,
      source: 'webhook',
      type: 'webhook.received',
      workflowId: b.workflowId,
      payload,
      causation: { depth: 0, chain: [] },
    });
    expect(await dispatcher.dispatchEventById(forged.id)).toMatchObject({ status: 'dispatched', runs: [] });
    expect(await runsOf(b.workflowId)).toHaveLength(0);
    // And a message naming the wrong workspace finds no event.
    expect(await dispatcher.dispatchEventById(e.id, other.workspaceId)).toEqual({ status: 'missing' });
  });

  it('uses workflows_dispatch_idx to find matches', async () => {
    if (kind !== 'pg') return;
    const { sql } = await import('@conduit/core/testing');
    await h.db.execute(sql`analyze workflows`);
    await h.db.execute(sql`set enable_seqscan = off`);
    const plan = await h.db.execute(
      sql`explain select id from workflows where workspace_id = ${ws.workspaceId} and active_trigger_type in ('record_updated','field_changed') and active_trigger_object = 'deal' and is_active`,
    );
    await h.db.execute(sql`set enable_seqscan = on`);
    expect(JSON.stringify(plan)).toContain('workflows_dispatch_idx');
  });
});
