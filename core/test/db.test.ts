import { afterAll, describe, expect, it } from 'vitest';
import { companies, workspaces, workflows, events, eq, sql, type DbHandle } from '@conduit/core/testing';
import { needsDispatch } from '@conduit/core/events';
import { changedFields, createRecord, getRecord, listRecords, updateRecord, deleteRecord, uuidFromName } from '@conduit/core/domain';
import type { JsonObject } from '@conduit/core/definition';
import { classifyDbError, createDb, dbFailureReply, rowsOf } from '@conduit/core/db';
import { createTestDb, startPostgres, TEST_DB_KINDS } from '@conduit/local/testing';

describe.each(TEST_DB_KINDS)('records outbox on %s', (kind) => {
  let h: DbHandle;
  let ws: string;
  afterAll(async () => h?.close());

  it('writes a record and its event in one transaction, with old/new values and changed fields', async () => {
    h = await createTestDb(kind);
    const [w] = await h.db
      .insert(workspaces)
      .values({ name: 'Acme', slug: `acme-${kind}` })
      .returning();
    ws = w!.id;
    await h.db.insert(companies).values({ workspaceId: ws, name: 'Acme Inc' });
    const created = await createRecord(h.db, { workspaceId: ws, object: 'deal', data: { name: 'Big', stage: 'open', amount: 5 } });
    expect(created.event.type).toBe('record.created');
    expect(created.event.payload).toMatchObject({ kind: 'record', record: { name: 'Big', id: created.record.id }, previous: null });

    const updated = await updateRecord(h.db, { workspaceId: ws, object: 'deal', id: created.record.id, data: { stage: 'won' } });
    expect(updated?.changed).toEqual(['stage']);
    expect(updated?.event.payload).toMatchObject({ previous: { stage: 'open' }, record: { stage: 'won', amount: 5 } });

    const rows = await h.db.select().from(events).where(eq(events.workspaceId, ws));
    expect(rows.map((r) => r.type).sort()).toEqual(['record.created', 'record.updated']);
    // No workflow listens yet: both are settled as they are written, and no queue is told.
    expect(rows.map((r) => [r.status, r.outcome, r.dispatchedAt === null])).toEqual([
      ['dispatched', { runs: [], deduplicated: 0 }, false],
      ['dispatched', { runs: [], deduplicated: 0 }, false],
    ]);
    expect([created.event, updated!.event].map(needsDispatch)).toEqual([false, false]);
  });

  it('a create named by its step is made once: a re-run returns the record and event of the first', async () => {
    const id = uuidFromName(`exec-${kind}/add`);
    expect(id).toBe(uuidFromName(`exec-${kind}/add`));
    expect(id).not.toBe(uuidFromName(`exec-${kind}/add_2`));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const first = await createRecord(h.db, { id, workspaceId: ws, object: 'lead', data: { name: 'Once' } });
    const again = await createRecord(h.db, { id, workspaceId: ws, object: 'lead', data: { name: 'Once' } });
    expect(again.record.id).toBe(first.record.id);
    expect(again.event.id).toBe(first.event.id);
    const leads = await listRecords(h.db, { workspaceId: ws, object: 'lead' });
    expect(leads.items.map((r) => r.data.name)).toEqual(['Once']);
    const created = await h.db.select().from(events).where(eq(events.recordId, id));
    expect(created).toHaveLength(1);
  });

  it('an update, built in SQL, stores what the JavaScript merge and diff would: record, previous, changed, row', async () => {
    // Values that compare differently in naive code: nested objects in another key order, null vs
    // missing, 1 vs "1", arrays, unicode keys that sort differently under a locale collation.
    const before: JsonObject = { name: 'Ada', nested: { a: 1, b: [1, 2] }, n: 1, nil: null, Zeta: 'z', émoji: '🙂', keep: true };
    const patch: JsonObject = { nested: { b: [1, 2], a: 1 }, n: '1', nil: null, Zeta: 'Z', alpha: { x: null }, émoji: '🙂', zz: [] };
    const { record } = await createRecord(h.db, { workspaceId: ws, object: 'person', data: before });
    const causation = { depth: 2, chain: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'] };
    const u = await updateRecord(h.db, { workspaceId: ws, object: 'person', id: record.id, data: patch, causation });
    const merged = { ...before, ...patch };
    const changed = changedFields(before, merged);
    expect(changed).toEqual(['Zeta', 'alpha', 'n', 'zz']);
    expect(u?.changed).toEqual(changed);
    expect(u?.record).toMatchObject({ id: record.id, workspaceId: ws, object: 'person', data: merged, createdAt: record.createdAt });
    expect(u?.record.updatedAt).toBeInstanceOf(Date);
    expect(u?.previous.data).toEqual(before);
    expect(u?.event).toMatchObject({
      workspaceId: ws,
      source: 'record',
      type: 'record.updated',
      object: 'person',
      recordId: record.id,
      // No workflow listens to people: settled as written.
      status: 'dispatched',
      outcome: { runs: [], deduplicated: 0 },
      attempts: 0,
      causation,
    });
    expect(u?.event.dispatchedAt).toBeInstanceOf(Date);
    expect(u?.event.receivedAt).toBeInstanceOf(Date);
    expect(u?.event.payload).toEqual({
      kind: 'record',
      event: 'updated',
      object: 'person',
      recordId: record.id,
      record: { ...merged, id: record.id },
      previous: { ...before, id: record.id },
      changed,
    });
    // The stored rows are the returned ones.
    const [stored] = await h.db.select().from(events).where(eq(events.id, u!.event.id));
    expect(stored).toEqual(u!.event);
    expect(await getRecord(h.db, { workspaceId: ws, object: 'person', id: record.id })).toEqual(u!.record);
    // Nothing changed: an event still records the write, with no changed fields.
    const same = await updateRecord(h.db, { workspaceId: ws, object: 'person', id: record.id, data: { name: 'Ada' } });
    expect(same?.changed).toEqual([]);
  });

  it('concurrent updates of one record lose no field, and each event shows exactly its own change', async () => {
    const { record } = await createRecord(h.db, { workspaceId: ws, object: 'counter', data: {} });
    const keys = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const results = await Promise.all(keys.map((k) => updateRecord(h.db, { workspaceId: ws, object: 'counter', id: record.id, data: { [k]: k } })));
    expect(results.map((r) => r?.changed)).toEqual(keys.map((k) => [k]));
    // Each write saw the one before it: the previous values grow one field at a time.
    expect(results.map((r) => Object.keys(r!.previous.data).length).sort((a, b) => a - b)).toEqual(keys.map((_, i) => i));
    expect((await getRecord(h.db, { workspaceId: ws, object: 'counter', id: record.id }))?.data).toEqual(Object.fromEntries(keys.map((k) => [k, k])));
  });

  it('scopes reads and writes by workspace and treats malformed ids as missing', async () => {
    const other = (
      await h.db
        .insert(workspaces)
        .values({ name: 'Other', slug: `elsewhere-${kind}` })
        .returning()
    )[0]!.id;
    const { record } = await createRecord(h.db, { workspaceId: ws, object: 'deal', data: { name: 'Mine' } });
    expect(await getRecord(h.db, { workspaceId: other, object: 'deal', id: record.id })).toBeNull();
    expect(await updateRecord(h.db, { workspaceId: other, object: 'deal', id: record.id, data: { x: 1 } })).toBeNull();
    expect(await deleteRecord(h.db, { workspaceId: ws, object: 'deal', id: 'not-a-uuid' })).toBeNull();
    const page = await listRecords(h.db, { workspaceId: ws, object: 'deal', limit: 1 });
    expect(page.items).toHaveLength(1);
    const next = await listRecords(h.db, { workspaceId: ws, object: 'deal', limit: 1, cursor: page.nextCursor });
    expect(next.items[0]?.id).not.toBe(page.items[0]?.id);
    const deleted = await deleteRecord(h.db, { workspaceId: ws, object: 'deal', id: record.id });
    expect(deleted?.event.type).toBe('record.deleted');
    expect(await getRecord(h.db, { workspaceId: ws, object: 'deal', id: record.id })).toBeNull();
  });
  it('a record event that an active workflow listens to is left pending for the dispatcher; the others are settled', async () => {
    const [company] = await h.db.select().from(companies).where(eq(companies.workspaceId, ws));
    const listen = async (type: string, object: string, isActive = true) =>
      h.db.insert(workflows).values({
        workspaceId: ws,
        companyId: company!.id,
        name: `${type} ${object}`,
        isActive,
        trigger: { type: 'manual', allowMembers: false },
        actions: [],
        activeTriggerType: type,
        activeTriggerObject: object,
      });
    await listen('field_changed', 'order');
    await listen('record_created', 'ticket', false);
    await listen('record_created', 'lead');
    const order = await createRecord(h.db, { workspaceId: ws, object: 'order', data: { stage: 'open' } });
    const changed = await updateRecord(h.db, { workspaceId: ws, object: 'order', id: order.record.id, data: { stage: 'won' } });
    const ticket = await createRecord(h.db, { workspaceId: ws, object: 'ticket', data: { name: 'Off' } });
    const gone = await deleteRecord(h.db, { workspaceId: ws, object: 'order', id: order.record.id });
    const lead = await createRecord(h.db, { workspaceId: ws, object: 'lead', data: { name: 'Ada' } });
    // field_changed listens to updates of orders, not to their creation or deletion; the ticket
    // workflow is inactive.
    const status = (e: { status: string; dispatchedAt: Date | null }) => [e.status, e.dispatchedAt === null];
    expect([order.event, changed!.event, ticket.event, gone!.event, lead.event].map(status)).toEqual([
      ['dispatched', false],
      ['pending', true],
      ['dispatched', false],
      ['dispatched', false],
      ['pending', true],
    ]);
    // Written in SQL, the row still reads as drizzle would return it.
    expect(gone!.event.outcome).toEqual({ runs: [], deduplicated: 0 });
    expect(gone!.event.dispatchedAt).toBeInstanceOf(Date);
    expect(lead.event).toMatchObject({
      workspaceId: ws,
      source: 'record',
      type: 'record.created',
      object: 'lead',
      recordId: lead.record.id,
      outcome: null,
      attempts: 0,
    });
    expect(lead.event.receivedAt).toBeInstanceOf(Date);
    expect(lead.event.payload).toMatchObject({ kind: 'record', event: 'created', object: 'lead', record: { name: 'Ada' } });
    expect(needsDispatch(changed!.event)).toBe(true);
    // Another workspace's workflow is not a listener.
    const [other] = await h.db
      .insert(workspaces)
      .values({ name: 'Other', slug: `listener-other-${kind}` })
      .returning();
    const elsewhere = await createRecord(h.db, { workspaceId: other!.id, object: 'order', data: { stage: 'open' } });
    const update = await updateRecord(h.db, { workspaceId: other!.id, object: 'order', id: elsewhere.record.id, data: { stage: 'won' } });
    expect(update!.event.status).toBe('dispatched');
  });
});

describe('database failures, as the API and the ingress read them', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('a refused connection from the real driver is "unavailable", through drizzle\'s wrapper', async () => {
    // A port nothing listens on: the pool's connect fails with the driver's own error.
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const h = await createDb({ url: `postgres://nobody:x@127.0.0.1:${port}/none`, migrate: false, waitForDatabaseMs: 0 });
    const err = await h.db.execute(sql`select 1`).then(
      () => null,
      (e: unknown) => e,
    );
    await h.close();
    expect(err).toBeTruthy();
    expect(classifyDbError(err)).toBe('unavailable');
    expect(dbFailureReply('unavailable')).toMatchObject({ status: 503, code: 'database_unavailable', retryAfterSeconds: 5 });
  });

  it('a connection the server terminates (57P01) is "unavailable"', async () => {
    const t = await createTestDb('pg');
    try {
      const { default: pg } = await import('pg');
      const victim = new pg.Client({ connectionString: t.url });
      await victim.connect();
      victim.on('error', () => {});
      const pid = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const slow = victim.query('select pg_sleep(5)').then(
        () => null,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 200));
      await t.db.execute(sql`select pg_terminate_backend(${pid})`);
      const err = await slow;
      expect(classifyDbError(err)).toBe('unavailable');
      await victim.end().catch(() => {});
    } finally {
      await t.close();
    }
  });

  it('a pooled connection lost mid-transaction rejects that transaction and does not crash the process; the pool goes on', async () => {
    const t = await createTestDb('pg');
    const h = await createDb({ url: t.url, migrate: false, poolSize: 2 });
    try {
      const lost = await h.db
        .transaction(async (tx) => {
          const pid = rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid`))[0]!.pid;
          await t.db.execute(sql`select pg_terminate_backend(${pid})`);
          // Between two statements the socket closes: pg emits 'error' on a client the pool has lent out.
          await new Promise((r) => setTimeout(r, 300));
          await tx.execute(sql`select 1`);
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(lost).toBeTruthy();
      expect(classifyDbError(lost)).toBe('unavailable');
      // The dead client was dropped, not handed out again.
      for (let i = 0; i < 4; i++) expect(rowsOf<{ one: number }>(await h.db.execute(sql`select 1 as one`))[0]!.one).toBe(1);
    } finally {
      await h.close();
      await t.close();
    }
  });

  it('a query while the server restarts waits for it (up to waitForDatabaseMs); past that it fails as unavailable', async () => {
    // Its own cluster: the shared server must not go down under other test files.
    const server = await startPostgres();
    const h = await createDb({ url: server.url, migrate: false, poolSize: 2, waitForDatabaseMs: 4_000 });
    const quick = await createDb({ url: server.url, migrate: false, poolSize: 1, waitForDatabaseMs: 0 });
    try {
      await h.db.execute(sql`select 1`);
      await server.shutdown();
      const t0 = Date.now();
      const waited = h.db.execute(sql`select 2 as two`);
      // Without the wait the same query fails at once.
      const refused = await quick.db.execute(sql`select 1`).then(
        () => null,
        (e: unknown) => e,
      );
      expect(classifyDbError(refused)).toBe('unavailable');
      await new Promise((r) => setTimeout(r, 1_500));
      await server.start();
      expect(rowsOf<{ two: number }>(await waited)[0]!.two).toBe(2);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1_400);

      await server.shutdown();
      const t1 = Date.now();
      const gaveUp = await h.db.execute(sql`select 3`).then(
        () => null,
        (e: unknown) => e,
      );
      expect(classifyDbError(gaveUp)).toBe('unavailable');
      expect(Date.now() - t1).toBeGreaterThanOrEqual(3_000);
      expect(Date.now() - t1).toBeLessThan(6_000);
    } finally {
      await h.close();
      await quick.close();
      await server.stop();
    }
  }, 40_000);

  it('a full disk is "disk_full" whichever way it is reported, and wins over a connection error beside it', () => {
    expect(
      classifyDbError(
        Object.assign(new Error('Failed query: insert …'), { cause: withCode('could not extend file "base/5/16384": No space left on device', '53100') }),
      ),
    ).toBe('disk_full');
    expect(classifyDbError(withCode('ENOSPC: no space left on device, write', 'ENOSPC'))).toBe('disk_full');
    // PGlite may carry only PostgreSQL's words.
    expect(classifyDbError(new Error('could not write to file "pg_wal/xlogtemp.42": No space left on device'))).toBe('disk_full');
    expect(classifyDbError(new AggregateError([withCode('connect ECONNREFUSED', 'ECONNREFUSED'), withCode('no space', 'ENOSPC')]))).toBe('disk_full');
    expect(dbFailureReply('disk_full')).toMatchObject({ status: 503, code: 'disk_full' });
    expect(dbFailureReply('disk_full').message).toMatch(/^The server's disk is full/);
  });

  it("anything else is not the database's health: null", () => {
    expect(classifyDbError(withCode('duplicate key value violates unique constraint', '23505'))).toBeNull();
    expect(classifyDbError(withCode('could not serialize access', '40001'))).toBeNull();
    expect(classifyDbError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeNull();
    expect(classifyDbError('thrown text')).toBeNull();
    expect(classifyDbError(undefined)).toBeNull();
  });
});
