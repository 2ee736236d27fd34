import { and, eq, inArray, sql } from 'drizzle-orm';
import { ROOT_CAUSATION } from '../definition';
import { events } from '../db/schema';
import type { Db } from '../db/client';
import { preparedSql } from '../db/prepared';
import { affectedRowsOf } from '../db/driver-row';

// The webhook ingress's writes (functions/src/ingress/event-writer.ts groups requests into batches).

/**
 * The batch insert, prepared once per connection. One parameter for the whole batch
 * (jsonb_to_recordset): the driver serialises one string instead of 8 bound values per row, and
 * nothing is returned, since the row count says whether every row went in.
 */
const insertBatch = preparedSql(
  'webhook_events_insert',
  sql`
  insert into events (id, workspace_id, source, type, workflow_id, payload, causation, dedupe_key)
  select x.id, x.workspace_id, 'webhook', 'webhook.received', x.workflow_id, x.payload, ${JSON.stringify(ROOT_CAUSATION)}::jsonb, x.dedupe_key
    from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as x(id uuid, workspace_id uuid, workflow_id uuid, payload jsonb, dedupe_key text)
  on conflict do nothing`,
);

/**
 * Inserts a batch of webhook events in one statement; `rows` is a JSON array of
 * { id, workspace_id, workflow_id, payload, dedupe_key }. Answers how many rows went in (a dedupe-key
 * clash skips its row).
 */
export async function insertWebhookEvents(db: Db, rows: string): Promise<number> {
  return affectedRowsOf(await insertBatch(db).execute({ rows }));
}

/** Which of these event ids are stored. */
export async function storedEventIds(db: Db, ids: string[]): Promise<Set<string>> {
  const rows = await db.select({ id: events.id }).from(events).where(inArray(events.id, ids));
  return new Set(rows.map((r) => r.id));
}

/** The events of a workspace holding these dedupe keys. */
export async function eventsByDedupeKeys(db: Db, workspaceId: string, keys: string[]): Promise<{ id: string; dedupeKey: string | null }[]> {
  return db
    .select({ id: events.id, dedupeKey: events.dedupeKey })
    .from(events)
    .where(and(eq(events.workspaceId, workspaceId), inArray(events.dedupeKey, keys)));
}
