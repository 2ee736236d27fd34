import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, sql, workflows, workspaces, type DbHandle } from '@conduit/core/testing';
import { rowsOf } from '@conduit/core/db';
import { listAudit, listDevMail, listEvents, listExecutions, listRecords } from '@conduit/core/domain';
import { createTestDb, TEST_DB_KINDS } from '@conduit/local/testing';

/**
 * Every list the API pages (runs, records, events, audit, dev inbox) walks all of its rows one page
 * at a time, rows of the same millisecond included: PostgreSQL keeps microseconds, and a cursor that
 * carried the last row's time as a JS Date (milliseconds) skipped the rows after it in that millisecond.
 */
describe.each(TEST_DB_KINDS)('keyset pages on %s', (kind) => {
  let h: DbHandle;
  let workspaceId: string;
  let workflowId: string;
  // Newest first: the order every list returns.
  const times = ['2030-05-01T10:00:00.000900Z', '2030-05-01T10:00:00.000700Z', '2030-05-01T10:00:00.000500Z', '2030-05-01T09:59:59.999999Z'];
  const at = (i: number) => new Date(times[i]!);
  beforeAll(async () => {
    h = await createTestDb(kind);
    const [w] = await h.db
      .insert(workspaces)
      .values({ name: 'Pages', slug: `pages-${kind}` })
      .returning();
    workspaceId = w!.id;
    const [c] = await h.db.insert(companies).values({ workspaceId, name: 'Acme' }).returning();
    const [wf] = await h.db
      .insert(workflows)
      .values({ workspaceId, companyId: c!.id, name: 'Flow', trigger: { type: 'manual', allowMembers: false }, actions: [] })
      .returning();
    workflowId = wf!.id;
  });
  afterAll(async () => h?.close());

  async function seed<T>(insert: (i: number) => Promise<T>): Promise<T[]> {
    const out: T[] = [];
    for (let i = times.length - 1; i >= 0; i--) out.unshift(await insert(i));
    return out;
  }
  async function walk(page: (cursor: string | undefined) => Promise<{ items: { id: string }[]; nextCursor: string | null }>): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < 10; n++) {
      const p = await page(cursor);
      seen.push(...p.items.map((i) => i.id));
      if (!p.nextCursor) return seen;
      cursor = p.nextCursor;
    }
    throw new Error('more pages than rows');
  }
  const exact = (i: number) => `'${times[i]}'::timestamptz`;
  /** One row per time, newest first, inserted oldest first with its exact time (a Date would drop the microseconds). */
  const rows = async (table: string, columns: string, values: (i: number) => string) =>
    seed(async (i) => rowsOf<{ id: string }>(await h.db.execute(sql.raw(`insert into ${table} (${columns}) values (${values(i)}) returning id`)))[0]!.id);

  it('runs, at one and at three a page', async () => {
    // The premise: the first two rows share their millisecond.
    expect(at(0).getTime()).toBe(at(1).getTime());
    const ids = await rows(
      'workflow_executions',
      'workspace_id, workflow_id, status, temporal_workflow_id, created_at',
      (i) => `'${workspaceId}', '${workflowId}', 'completed', 'run-${i}', ${exact(i)}`,
    );
    expect(await walk((cursor) => listExecutions(h.db, { workspaceId, cursor, limit: 1 }))).toEqual(ids);
    expect(await walk((cursor) => listExecutions(h.db, { workspaceId, cursor, limit: 3 }))).toEqual(ids);
  });

  it('records, events, audit entries and dev mail', async () => {
    const recs = await rows('records', 'workspace_id, object, data, created_at', (i) => `'${workspaceId}', 'contact', '{}', ${exact(i)}`);
    expect(await walk((cursor) => listRecords(h.db, { workspaceId, object: 'contact', cursor, limit: 1 }))).toEqual(recs);
    const evs = await rows(
      'events',
      'workspace_id, source, type, payload, causation, received_at',
      (i) => `'${workspaceId}', 'webhook', 'webhook.received', '{}', '{"depth":0,"chain":[]}', ${exact(i)}`,
    );
    expect(await walk((cursor) => listEvents(h.db, { workspaceId, ...(cursor ? { cursor } : {}), limit: 1 }))).toEqual(evs);
    const audits = await rows(
      'audit_log',
      'workspace_id, actor_kind, actor_name, action, target_type, summary, at',
      (i) => `'${workspaceId}', 'system', 'Conduit', 'test.paged', 'test', 'entry ${i}', ${exact(i)}`,
    );
    expect(await walk((cursor) => listAudit(h.db, { workspaceId, action: 'test.paged', cursor, limit: 1 }))).toEqual(audits);
    const mails = await rows(
      'dev_mail',
      'workspace_id, message_id, "from", "to", cc, bcc, subject, created_at',
      (i) => `'${workspaceId}', 'm-${i}', 'a@b.test', '[]', '[]', '[]', 'mail ${i}', ${exact(i)}`,
    );
    expect(await walk((cursor) => listDevMail(h.db, { workspaceId, cursor, limit: 1 }))).toEqual(mails);
  });

  it('a cursor that does not parse starts over instead of failing', async () => {
    for (const bad of ['garbage', Buffer.from('2030-13-45 10:00:00+00|00000000-0000-4000-8000-000000000000').toString('base64url')]) {
      const page = await listExecutions(h.db, { workspaceId, cursor: bad, limit: 1 });
      expect(page.items).toHaveLength(1);
    }
  });
});
