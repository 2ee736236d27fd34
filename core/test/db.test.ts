import { afterAll, describe, expect, it } from 'vitest';
import { companies, workspaces, type DbHandle } from '@conduit/core/db';
import { createRecord, getRecord, listRecords, updateRecord, deleteRecord } from '@conduit/core/domain';
import { events } from '@conduit/core/db';
import { eq } from 'drizzle-orm';
import { createTestDb, TEST_DB_KINDS } from '../../local/src/testing/db';

describe.each(TEST_DB_KINDS)('records outbox on %s', (kind) => {
  let h: DbHandle;
  let ws: string;
  afterAll(async () => h?.close());

  it('writes a record and its event in one transaction, with old/new values and changed fields', async () => {
    h = await createTestDb(kind);
    const [w] = await h.db.insert(workspaces).values({ name: 'Acme', slug: `acme-${kind}` }).returning();
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
    expect(rows.every((r) => r.dispatchedAt === null)).toBe(true);
  });

  it('scopes reads and writes by workspace and treats malformed ids as missing', async () => {
    const other = (await h.db.insert(workspaces).values({ name: 'Other', slug: `other-${kind}` }).returning())[0]!.id;
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
});
