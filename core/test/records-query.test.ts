import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, workspaces, eq, and, sql, type DbHandle } from '@conduit/core/testing';
import { createRecord, findRecords, findStatement, RecordQueryError, upsertRecord, type FindInput } from '@conduit/core/domain';
import { FindRecordsActionSchema, UpsertRecordActionSchema, describeFind, describeIssues, type JsonObject } from '@conduit/core/definition';
import { createTestDb, TEST_DB_KINDS } from '@conduit/local/testing';

describe('find_records and upsert_record schemas', () => {
  const find = (extra: Record<string, unknown>) => FindRecordsActionSchema.safeParse({ id: 'find', type: 'find_records', object: 'contact', ...extra });

  it('limit defaults to 100 and is refused outside 1–1000 with a message naming it', () => {
    expect(find({}).data?.limit).toBe(100);
    for (const limit of [0, 1001, 2.5, '10']) {
      const r = find({ limit });
      expect(r.success).toBe(false);
      expect(describeIssues(r.error!).map((i) => i.message)).toEqual(['limit: Limit must be a whole number from 1 to 1,000']);
    }
    expect(find({ limit: 1000 }).success).toBe(true);
  });

  it('where takes record fields on the left, the condition operators less "changed", nested groups', () => {
    expect(
      find({ where: { all: [{ left: 'email', op: 'eq', right: '{{trigger.record.email}}' }, { any: [{ left: 'address.city', op: 'is_empty' }] }] } }).success,
    ).toBe(true);
    expect(find({ where: { all: [{ left: '{{trigger.record.x}}', op: 'eq', right: 1 }] } }).success).toBe(false);
    expect(find({ where: { all: [{ left: 'stage', op: 'changed' }] } }).success).toBe(false);
    expect(find({ where: { all: [{ left: 'stage', op: 'in', right: 'won' }] } }).success).toBe(false);
    expect(find({ where: { all: [] } }).success).toBe(false);
    expect(find({ orderBy: [{ field: "x'; drop table records; --" }] }).success).toBe(false);
  });

  it('an upsert must give a value to every field it matches on', () => {
    const r = UpsertRecordActionSchema.safeParse({ id: 'u', type: 'upsert_record', object: 'contact', match: ['email'], data: { name: 'Ada' } });
    expect(describeIssues(r.error!).map((i) => i.message)).toEqual(['match[0]: "email" is matched on, so give it a value in Fields']);
  });

  it('says the query in words', () => {
    const a = find({
      where: {
        all: [
          { left: 'email', op: 'eq', right: 'ada@example.com' },
          {
            any: [
              { left: 'stage', op: 'eq', right: 'won' },
              { left: 'amount', op: 'gt', right: 5 },
            ],
          },
        ],
      },
      orderBy: [{ field: '_createdAt', direction: 'desc' }],
      limit: 5,
    }).data!;
    expect(describeFind(a)).toBe(
      'Find contact records where email equals "ada@example.com" and (stage equals "won" or amount is greater than 5), sorted by Created at (descending), at most 5',
    );
  });
});

describe.each(TEST_DB_KINDS)('find_records and upsert_record on %s', (kind) => {
  let h: DbHandle;
  let ws: string;
  let other: string;
  const ids: Record<string, string> = {};
  const find = (q: Omit<FindInput, 'workspaceId' | 'object' | 'limit'> & { object?: string; limit?: number }) =>
    findRecords(h.db, { workspaceId: ws, object: 'contact', limit: 100, ...q });
  const names = async (q: Parameters<typeof find>[0]) => (await find(q)).items.map((r) => r.name);

  beforeAll(async () => {
    h = await createTestDb(kind);
    const [w, o] = await h.db
      .insert(workspaces)
      .values([
        { name: 'Acme', slug: `acme-${kind}` },
        { name: 'Other', slug: `other-${kind}` },
      ])
      .returning();
    ws = w!.id;
    other = o!.id;
    const rows: JsonObject[] = [
      { name: 'ada', email: 'ada@example.com', amount: 5, stage: 'won', tags: ['vip', 'eu'], closedAt: '2026-01-10T10:00:00Z', address: { city: 'London' } },
      { name: 'bob', email: 'bob@example.com', amount: '12', stage: 'open', tags: [], closedAt: '2026-01-10T09:00:00-03:00', note: '  ' },
      { name: 'cy', email: 'cy@example.com', amount: 7.5, stage: 'lost', tags: ['eu'], closedAt: '2026-02-30', active: true },
      { name: 'dee', email: null, amount: 'n/a', stage: 'won', closedAt: 'someday', active: 'true' },
    ];
    // One at a time, so created_at (the default order) follows the list.
    for (const data of rows) ids[data.name as string] = (await createRecord(h.db, { workspaceId: ws, object: 'contact', data })).record.id;
    await createRecord(h.db, { workspaceId: other, object: 'contact', data: { name: 'ada', email: 'ada@example.com' } });
    await createRecord(h.db, { workspaceId: ws, object: 'deal', data: { name: 'ada' } });
  });
  afterAll(async () => h?.close());

  it('equality matches loosely, as the condition action does ("12" equals 12, "true" equals true), scoped to the workspace and object', async () => {
    expect(await names({ where: { all: [{ left: 'email', op: 'eq', right: 'ada@example.com' }] } })).toEqual(['ada']);
    expect(await names({ where: { all: [{ left: 'amount', op: 'eq', right: 12 }] } })).toEqual(['bob']);
    expect(await names({ where: { all: [{ left: 'amount', op: 'eq', right: '5' }] } })).toEqual(['ada']);
    expect(await names({ where: { all: [{ left: 'active', op: 'eq', right: true }] } })).toEqual(['cy', 'dee']);
    expect(await names({ where: { all: [{ left: 'email', op: 'eq', right: null }] } })).toEqual(['dee']);
    expect(await names({ where: { all: [{ left: 'address.city', op: 'eq', right: 'London' }] } })).toEqual(['ada']);
    expect(await names({ where: { all: [{ left: 'tags', op: 'eq', right: ['eu'] }] } })).toEqual(['cy']);
    expect(await names({ where: { all: [{ left: 'stage', op: 'neq', right: 'won' }] } })).toEqual(['bob', 'cy']);
    expect(await names({ where: { all: [{ left: 'nothere', op: 'neq', right: 'x' }] } })).toEqual(['ada', 'bob', 'cy', 'dee']);
  });

  it('orders numbers as numbers, ISO dates as instants (offsets counted), other text by code point', async () => {
    expect(await names({ where: { all: [{ left: 'amount', op: 'gt', right: 6 }] } })).toEqual(['bob', 'cy']);
    expect(await names({ where: { all: [{ left: 'amount', op: 'lte', right: '7.5' }] } })).toEqual(['ada', 'cy']);
    // bob's 09:00 at -03:00 is 12:00 UTC, after ada's 10:00Z; cy's 30 February and "someday" are no dates.
    expect(await names({ where: { all: [{ left: 'closedAt', op: 'gt', right: '2026-01-10T11:00:00Z' }] } })).toEqual(['bob']);
    expect(await names({ where: { all: [{ left: 'closedAt', op: 'lt', right: '2026-01-10T11:00:00+00:00' }] } })).toEqual(['ada']);
    expect(await names({ where: { all: [{ left: 'stage', op: 'gte', right: 'open' }] } })).toEqual(['ada', 'bob', 'dee']);
    await expect(find({ where: { all: [{ left: 'amount', op: 'gt', right: true }] } })).rejects.toThrow(
      '"amount is greater than" compares with a number, a date or text; the value was the boolean true',
    );
  });

  it('contains, starts with, is one of, is set, is empty and nested all/any groups', async () => {
    expect(await names({ where: { all: [{ left: 'tags', op: 'contains', right: 'eu' }] } })).toEqual(['ada', 'cy']);
    expect(await names({ where: { all: [{ left: 'email', op: 'contains', right: '@example' }] } })).toEqual(['ada', 'bob', 'cy']);
    expect(await names({ where: { all: [{ left: 'tags', op: 'not_contains', right: 'vip' }] } })).toEqual(['bob', 'cy', 'dee']);
    expect(await names({ where: { all: [{ left: 'email', op: 'starts_with', right: 'b' }] } })).toEqual(['bob']);
    expect(await names({ where: { all: [{ left: 'stage', op: 'in', right: ['lost', 'open'] }] } })).toEqual(['bob', 'cy']);
    expect(await names({ where: { all: [{ left: 'stage', op: 'in', right: [] }] } })).toEqual([]);
    await expect(find({ where: { all: [{ left: 'stage', op: 'in', right: 'won' }] } })).rejects.toThrow(
      '"stage is one of" needs a list of values; the value was the text "won"',
    );
    expect(await names({ where: { all: [{ left: 'email', op: 'exists' }] } })).toEqual(['ada', 'bob', 'cy']);
    expect(
      await names({
        where: {
          all: [
            { left: 'note', op: 'is_empty' },
            { left: 'tags', op: 'is_empty' },
          ],
        },
      }),
    ).toEqual(['bob', 'dee']);
    expect(
      await names({
        where: {
          any: [
            {
              all: [
                { left: 'stage', op: 'eq', right: 'won' },
                { left: 'amount', op: 'gt', right: 1 },
              ],
            },
            { left: 'name', op: 'eq', right: 'cy' },
          ],
        },
      }),
    ).toEqual(['ada', 'cy']);
  });

  it('reaches the record id and timestamps, sorts, limits, and says when more matched', async () => {
    expect(await names({ where: { all: [{ left: 'id', op: 'eq', right: ids.bob! }] } })).toEqual(['bob']);
    expect(await names({ where: { all: [{ left: 'id', op: 'in', right: [ids.cy!, 'not-a-uuid', ids.ada!] }] } })).toEqual(['ada', 'cy']);
    expect(await names({ where: { all: [{ left: 'id', op: 'eq', right: 'nope' }] } })).toEqual([]);
    expect(await names({ where: { all: [{ left: '_createdAt', op: 'gt', right: '2000-01-01' }] } })).toEqual(['ada', 'bob', 'cy', 'dee']);
    expect(await names({ where: { all: [{ left: '_createdAt', op: 'lt', right: '2000-01-01' }] } })).toEqual([]);
    expect(await names({ orderBy: [{ field: '_createdAt', direction: 'desc' }] })).toEqual(['dee', 'cy', 'bob', 'ada']);
    // jsonb order: numbers before text; records without the field last in both directions.
    expect(
      await names({
        orderBy: [
          { field: 'stage', direction: 'asc' },
          { field: 'name', direction: 'desc' },
        ],
      }),
    ).toEqual(['cy', 'bob', 'dee', 'ada']);
    expect(await names({ orderBy: [{ field: 'note', direction: 'desc' }] })).toEqual(['bob', 'ada', 'cy', 'dee']);
    const page = await find({ limit: 2 });
    expect(page).toMatchObject({ count: 2, hasMore: true, first: { name: 'ada', id: ids.ada } });
    expect(page.items[1]).toEqual({
      name: 'bob',
      email: 'bob@example.com',
      amount: '12',
      stage: 'open',
      tags: [],
      closedAt: '2026-01-10T09:00:00-03:00',
      note: '  ',
      id: ids.bob,
    });
    expect(await find({ where: { all: [{ left: 'email', op: 'eq', right: 'zed@example.com' }] } })).toEqual({
      items: [],
      count: 0,
      first: null,
      hasMore: false,
    });
  });

  it('refuses to sort by a field no record of the object has (records are schemaless: that is a typo), but not on an empty object', async () => {
    const err = await find({
      orderBy: [
        { field: 'amount', direction: 'asc' },
        { field: 'amuont', direction: 'asc' },
      ],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecordQueryError);
    expect((err as Error).message).toBe('cannot sort by "amuont": no contact record has that field');
    expect(await find({ object: 'ticket', orderBy: [{ field: 'priority', direction: 'asc' }] })).toMatchObject({ count: 0 });
  });

  it('binds field names as data: a field name that looks like SQL is only a field nobody has', async () => {
    expect(await names({ where: { all: [{ left: "x') or true; --", op: 'eq', right: 'a' }] } })).toEqual([]);
    expect(await names({ where: { all: [{ left: 'email', op: 'eq', right: "' or '1'='1" }] } })).toEqual([]);
  });

  it('upsert creates once, then updates the matched record; a change of nothing writes nothing', async () => {
    const a = await upsertRecord(h.db, { workspaceId: ws, object: 'lead', match: ['email'], data: { email: 'eve@example.com', name: 'Eve' } });
    expect(a).toMatchObject({ created: true, changed: ['email', 'name'], event: { type: 'record.created' } });
    const b = await upsertRecord(h.db, { workspaceId: ws, object: 'lead', match: ['email'], data: { email: 'eve@example.com', score: 3 } });
    expect(b).toMatchObject({ created: false, changed: ['score'], record: { id: a.record.id, data: { email: 'eve@example.com', name: 'Eve', score: 3 } } });
    expect(b.event?.payload).toMatchObject({ event: 'updated', previous: { name: 'Eve', id: a.record.id }, record: { score: 3 }, changed: ['score'] });
    const c = await upsertRecord(h.db, { workspaceId: ws, object: 'lead', match: ['email'], data: { email: 'eve@example.com', score: 3 } });
    expect(c).toMatchObject({ created: false, changed: [], event: null });
    const evs = await h.db
      .select()
      .from(events)
      .where(and(eq(events.workspaceId, ws), eq(events.recordId, a.record.id)));
    expect(evs.map((e) => e.type).sort()).toEqual(['record.created', 'record.updated']);
    await expect(upsertRecord(h.db, { workspaceId: ws, object: 'lead', match: ['email'], data: { email: ' ' } })).rejects.toThrow(
      '"email" is matched on but has no value here, so there is nothing to find the record by',
    );
  });

  it('upsert repeated with the same step key answers what the first call did and emits nothing more', async () => {
    const input = { workspaceId: ws, object: 'lead', match: ['email'], data: { email: 'fay@example.com' }, dedupeKey: `upsert:exec-${kind}/up` };
    const first = await upsertRecord(h.db, input);
    const again = await upsertRecord(h.db, input);
    expect(again).toMatchObject({ created: true, record: { id: first.record.id }, event: { id: first.event!.id } });
    const upd = { ...input, data: { email: 'fay@example.com', n: 1 }, dedupeKey: `upsert:exec-${kind}/up2` };
    const u1 = await upsertRecord(h.db, upd);
    const u2 = await upsertRecord(h.db, { ...upd, data: { email: 'fay@example.com', n: 2 } });
    expect(u1.created).toBe(false);
    expect(u2).toMatchObject({ created: false, changed: ['n'], event: { id: u1.event!.id }, record: { data: { n: 1 } } });
  });

  it('20 concurrent upserts of one match make exactly one record and one record_created', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        upsertRecord(h.db, { workspaceId: ws, object: 'race', match: ['email', 'tenant'], data: { email: 'race@example.com', tenant: 7, [`f${i}`]: i } }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
    const all = await findRecords(h.db, { workspaceId: ws, object: 'race', limit: 100 });
    expect(all.count).toBe(1);
    expect(Object.keys(all.first!).filter((k) => k.startsWith('f'))).toHaveLength(20);
    const evs = await h.db
      .select()
      .from(events)
      .where(and(eq(events.workspaceId, ws), eq(events.object, 'race')));
    expect(evs.filter((e) => e.type === 'record.created')).toHaveLength(1);
    expect(evs.filter((e) => e.type === 'record.updated')).toHaveLength(19);
  });

  it.runIf(kind === 'pg')('answers equality from the GIN index (jsonb_path_ops), not by reading every record', async () => {
    await h.db.execute(sql`insert into records (workspace_id, object, data)
      select ${ws}::uuid, 'bulk', jsonb_build_object('email', 'u' || g || '@example.com', 'n', g) from generate_series(1, 20000) g`);
    await h.db.execute(sql`analyze records`);
    // The plan of the very statement findRecords sends, for an equality alone, a loose one (number
    // or numeric text) and one beside other conditions: each probes the index instead of reading all.
    const wheres: FindInput['where'][] = [
      { all: [{ left: 'email', op: 'eq', right: 'u777@example.com' }] },
      { all: [{ left: 'n', op: 'eq', right: '777' }] },
      {
        all: [
          { left: 'email', op: 'in', right: ['u777@example.com', 'u5@example.com'] },
          { left: 'n', op: 'gt', right: 100 },
        ],
      },
    ];
    for (const where of wheres) {
      const input = { workspaceId: ws, object: 'bulk', limit: 100, where };
      const plan = JSON.stringify(await h.db.execute(sql`explain ${findStatement(input)}`));
      expect(plan, JSON.stringify(where)).toContain('Bitmap Index Scan on records_data_path_idx');
      expect(plan).not.toContain('Seq Scan');
      expect((await findRecords(h.db, input)).first).toMatchObject({ n: 777 });
    }
  });
});
