import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, findRecords } from '@conduit/core/domain';
import { events, eq, and } from '@conduit/core/testing';
import { ROOT_CAUSATION, type WorkflowActionInput } from '@conduit/core/definition';
import { upsertRecordAction } from '../src/activities/upsert-record';
import type { ActivityDeps, StepContext } from '../src/activities/types';
import { startHarness, type Harness } from './harness';

// PostgreSQL: the concurrent upsert needs real parallel connections (PGlite serialises everything).
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ db: 'pg' });
});
afterAll(async () => {
  await h?.close();
});

const lookup: WorkflowActionInput[] = [
  {
    id: 'find',
    type: 'find_records',
    object: 'contact',
    where: { all: [{ left: 'email', op: 'eq', right: '{{trigger.record.email}}' }] },
    orderBy: [{ field: 'score', direction: 'desc' }],
    limit: 10,
  },
  {
    id: 'save',
    type: 'upsert_record',
    object: 'contact',
    match: ['email'],
    data: { email: '{{trigger.record.email}}', name: '{{trigger.record.name}}', seen: '{{steps.find.output.count}}' },
  },
];
const trigger = (email: string, name: string) => ({
  kind: 'record' as const,
  event: 'created' as const,
  object: 'signup',
  recordId: '00000000-0000-4000-8000-000000000001',
  record: { email, name, id: '00000000-0000-4000-8000-000000000001' },
  previous: null,
  changed: ['email', 'name'],
});

describe('find_records and upsert_record in runs', () => {
  it('finds by a templated value, then creates the record, then (second run) updates it, each change emitted with its cause', async () => {
    await createRecord(h.db, { workspaceId: h.workspaceId, object: 'contact', data: { email: 'other@example.com', score: 1 } });
    const first = await h.startRun(lookup, { trigger: trigger('ada@example.com', 'Ada') });
    expect((await first.handle.result()).status).toBe('completed');
    let s = await h.steps(first.executionId);
    expect(s.find).toMatchObject({ status: 'completed', output: { items: [], count: 0, first: null, hasMore: false } });
    // The step row keeps the query as it ran, templates resolved: what the run view puts in words.
    expect(s.find!.input).toMatchObject({ object: 'contact', where: { all: [{ left: 'email', op: 'eq', right: 'ada@example.com' }] }, limit: 10 });
    expect(s.save).toMatchObject({
      status: 'completed',
      output: { created: true, changed: ['email', 'name', 'seen'], record: { email: 'ada@example.com', seen: 0 } },
    });
    const created = h.published.find(
      (e) => e.type === 'record.created' && e.object === 'contact' && (e.payload as { record: { email?: string } }).record.email === 'ada@example.com',
    );
    expect(created?.causation).toMatchObject({ depth: 1, chain: [first.executionId] });

    const second = await h.startRun(lookup, { trigger: trigger('ada@example.com', 'Ada Lovelace') });
    expect((await second.handle.result()).status).toBe('completed');
    s = await h.steps(second.executionId);
    const id = (s.save!.output as { id: string }).id;
    expect(s.find).toMatchObject({ output: { count: 1, first: { email: 'ada@example.com', name: 'Ada', id } } });
    expect(s.save).toMatchObject({ output: { created: false, id, changed: ['name', 'seen'], record: { name: 'Ada Lovelace', seen: 1 } } });
    expect(h.published.filter((e) => e.recordId === id).map((e) => e.type)).toEqual(['record.created', 'record.updated']);
  });

  it('20 concurrent runs upserting the same match create exactly one record', async () => {
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.startRun([{ id: 'up', type: 'upsert_record', object: 'member', match: ['email'], data: { email: 'same@example.com', [`run${i}`]: true } }]),
      ),
    );
    const results = await Promise.all(runs.map((r) => r.handle.result()));
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    const outs = await Promise.all(runs.map(async (r) => (await h.steps(r.executionId)).up!.output as { id: string; created: boolean }));
    expect(outs.filter((o) => o.created)).toHaveLength(1);
    expect(new Set(outs.map((o) => o.id)).size).toBe(1);
    const found = await findRecords(h.db, { workspaceId: h.workspaceId, object: 'member', limit: 100 });
    expect(found.count).toBe(1);
    const stored = await h.db
      .select()
      .from(events)
      .where(and(eq(events.workspaceId, h.workspaceId), eq(events.object, 'member')));
    expect(stored.filter((e) => e.type === 'record.created')).toHaveLength(1);
    expect(stored.filter((e) => e.type === 'record.updated')).toHaveLength(19);
  });

  it('an attempt re-run after its commit (activity retry) answers what the first did and writes no second record or event', async () => {
    const deps = { db: h.db, queue: { publish: async () => {} }, logger: { info() {}, warn() {}, error() {} } } as unknown as ActivityDeps;
    const ctx = {
      run: { executionId: '00000000-0000-4000-8000-0000000000aa', workspaceId: h.workspaceId, workflowId: 'wf', causation: ROOT_CAUSATION },
      step: { actionId: 'up', actionType: 'upsert_record', path: 'actions[0]', seq: 0 },
      attempt: 1,
      signal: new AbortController().signal,
    } as StepContext;
    const action = { id: 'up', type: 'upsert_record', object: 'retry', match: ['key'], data: { key: 'k1', v: 1 }, onFailure: 'stop' } as const;
    const a = await upsertRecordAction({ ...action, match: ['key'] }, ctx, deps);
    const b = await upsertRecordAction({ ...action, match: ['key'] }, { ...ctx, attempt: 2 }, deps);
    expect(b.output).toEqual(a.output);
    expect(a.output).toMatchObject({ created: true });
    const stored = await h.db
      .select()
      .from(events)
      .where(and(eq(events.workspaceId, h.workspaceId), eq(events.object, 'retry')));
    expect(stored).toHaveLength(1);
  });

  it('fails a find with a clear message: a sort by a field no record has, "is one of" given text', async () => {
    await createRecord(h.db, { workspaceId: h.workspaceId, object: 'deal', data: { name: 'A', amount: 3 } });
    const sort = await h.startRun([{ id: 'find', type: 'find_records', object: 'deal', orderBy: [{ field: 'amuont', direction: 'asc' }] }]);
    expect((await sort.handle.result()).status).toBe('failed');
    expect(await h.execution(sort.executionId)).toMatchObject({ error: 'step "find" failed: cannot sort by "amuont": no deal record has that field' });
    expect((await h.steps(sort.executionId)).find).toMatchObject({ status: 'failed', attempts: 1 });

    const notList = await h.startRun(
      [{ id: 'find', type: 'find_records', object: 'deal', where: { all: [{ left: 'name', op: 'in', right: '{{trigger.record.name}}' }] } }],
      { trigger: trigger('x@example.com', 'A') },
    );
    expect((await notList.handle.result()).status).toBe('failed');
    // Checked when the resolved step is validated, before the query is built.
    expect((await h.execution(notList.executionId))?.error).toContain('"name is one of" needs a list of values; the value was "A"');
  });
});
