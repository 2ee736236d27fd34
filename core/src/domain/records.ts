import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ROOT_CAUSATION, type Causation, type JsonObject, type RecordEventKind, type RecordTriggerPayload } from '../definition';
import { events, records } from '../db/schema';
import { rowFromDriver, rowsOf } from '../db/driver-row';
import { preparedSql } from '../db/prepared';
import type { Db, DbOrTx } from '../db/client';
import { appendEvent, recordEventListened, recordEventStatus, type StoredEvent } from './events';
import { afterCursor, cursorAt, pageOf, type Page } from './cursor';
import { isUuid } from './ids';
import { jsonEqual } from './json';

export type RecordRow = typeof records.$inferSelect;
export type RecordChange = { record: RecordRow; event: StoredEvent };

type Scope = { workspaceId: string; object: string };
type Cause = { causation?: Causation };

/** What templates see as `trigger.record`: the fields, then id (which wins over a field named id). */
export const recordView = (r: Pick<RecordRow, 'id' | 'data'>): JsonObject => ({ ...r.data, id: r.id });

export function changedFields(before: JsonObject, after: JsonObject): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !jsonEqual(before[k], after[k])).sort();
}

export function recordEvent(kind: RecordEventKind, row: RecordRow, previous: JsonObject | null, changed: string[], causation: Causation) {
  const payload: RecordTriggerPayload = {
    kind: 'record',
    event: kind,
    object: row.object,
    recordId: row.id,
    record: recordView(row),
    previous,
    changed,
  };
  return { workspaceId: row.workspaceId, source: 'record' as const, type: `record.${kind}`, object: row.object, recordId: row.id, payload, causation };
}

/**
 * Record writes and their events share one transaction (the outbox): a committed change always has
 * its event stored, and the dispatcher (or the sweeper, after a crash) turns it into runs.
 */
/**
 * `id`, when given, makes the create idempotent: a record of that id already made (by an earlier
 * attempt of the same step, cut off before its result was recorded) is returned with its event
 * instead of being made again.
 */
export async function createRecord(db: Db, input: Scope & Cause & { data: JsonObject; companyId?: string | null; id?: string }): Promise<RecordChange> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(records)
      .values({
        ...(input.id ? { id: input.id } : {}),
        workspaceId: input.workspaceId,
        companyId: input.companyId ?? null,
        object: input.object,
        data: input.data,
      })
      .onConflictDoNothing({ target: records.id })
      .returning();
    if (!row) return existingCreate(tx, input.workspaceId, input.id);
    const changed = Object.keys(row.data).sort();
    const event = await appendEvent(tx, recordEvent('created', row, null, changed, input.causation ?? ROOT_CAUSATION));
    return { record: row, event };
  });
}

async function existingCreate(tx: DbOrTx, workspaceId: string, id: string | undefined): Promise<RecordChange> {
  const [record] = id
    ? await tx
        .select()
        .from(records)
        .where(and(eq(records.id, id), eq(records.workspaceId, workspaceId)))
    : [];
  const [event] = record
    ? await tx
        .select()
        .from(events)
        .where(and(eq(events.workspaceId, workspaceId), eq(events.recordId, record.id), eq(events.type, 'record.created')))
        .limit(1)
    : [];
  // Every record's created event is kept with it, so only an id taken in another workspace (a uuid
  // collision) gets here.
  if (!record || !event) throw new Error('a record with this id exists and cannot be returned');
  return { record, event };
}

// A record.updated event nobody listens to is written settled (recordEventStatus). Whether anyone
// listens is asked once (the `heard` CTE, materialized so the planner cannot copy the EXISTS back into
// each of the three columns that read it).
const updatedListened = recordEventListened(sql`upd.workspace_id`, 'record.updated', sql`upd.object`);
const updatedStatus = recordEventStatus(sql`heard.yes`);

// Every PATCH and every update_record step: prepared once per connection (see updateRecord).
const updateStatement = preparedSql(
  'record_update',
  sql`
  with prev as (
    select id, data, updated_at from records
     where id = ${sql.placeholder('id')}::uuid and workspace_id = ${sql.placeholder('workspaceId')}::uuid and object = ${sql.placeholder('object')}
       for update
  ), upd as (
    update records r set data = r.data || ${sql.placeholder('data')}::jsonb, updated_at = now()
      from prev where r.id = prev.id
    returning r.*, prev.data as previous_data, prev.updated_at as previous_updated_at
  ), diff as (
    select coalesce(jsonb_agg(k order by k collate "C"), '[]'::jsonb) as changed
      from upd, lateral (select jsonb_object_keys(upd.previous_data) as k union select jsonb_object_keys(upd.data)) keys
     where upd.data -> k is distinct from upd.previous_data -> k
  ), heard as materialized (
    select ${updatedListened} as yes from upd
  ), ev as (
    insert into events (workspace_id, source, type, object, record_id, payload, causation, status, outcome, dispatched_at)
    select upd.workspace_id, 'record', 'record.updated', upd.object, upd.id::text,
           jsonb_build_object(
             'kind', 'record', 'event', 'updated', 'object', upd.object, 'recordId', upd.id,
             'record', upd.data || jsonb_build_object('id', upd.id),
             'previous', upd.previous_data || jsonb_build_object('id', upd.id),
             'changed', diff.changed),
           ${sql.placeholder('causation')}::jsonb,
           ${updatedStatus.status}, ${updatedStatus.outcome}, ${updatedStatus.dispatchedAt}
      from upd, diff, heard
    returning *
  )
  select to_jsonb(upd) - 'previous_data' - 'previous_updated_at' as record,
         jsonb_build_object('data', upd.previous_data, 'updated_at', upd.previous_updated_at) as previous,
         to_jsonb(ev) as event
    from upd, ev`,
);

const RecordUpdateRowSchema = z.object({
  record: z.record(z.string(), z.unknown()),
  previous: z.record(z.string(), z.unknown()),
  event: z.record(z.string(), z.unknown()),
});

/**
 * Merges `data` into the record's fields. Null when the record does not exist in this workspace.
 *
 * One statement, so one round trip on the hot path (every PATCH and every update_record step):
 * it locks the row, merges (jsonb `||`, the same shallow merge as `{ ...old, ...data }`), and
 * appends the record.updated event with what recordEvent() builds for the others: the new and
 * previous values and the changed fields, sorted by code point (`collate "C"`). A single statement
 * is one transaction, so the outbox holds as for createRecord. core/test/db.test.ts pins the
 * stored rows and payload to the JavaScript merge and changedFields() for the same change.
 */
export async function updateRecord(
  db: Db,
  input: Scope & Cause & { id: string; data: JsonObject },
): Promise<(RecordChange & { previous: RecordRow; changed: string[] }) | null> {
  if (!isUuid(input.id)) return null;
  const causation = input.causation ?? ROOT_CAUSATION;
  const result = await updateStatement(db).execute({
    id: input.id,
    workspaceId: input.workspaceId,
    object: input.object,
    data: JSON.stringify(input.data),
    causation: JSON.stringify(causation),
  });
  const raw = rowsOf<Record<string, unknown>>(result)[0];
  if (!raw) return null;
  const row = RecordUpdateRowSchema.parse(raw);
  const record = rowFromDriver(records, row.record);
  const previous = rowFromDriver(records, { ...row.record, ...row.previous });
  const event = rowFromDriver(events, row.event);
  const changed = (event.payload as RecordTriggerPayload).changed;
  return { record, previous, changed, event };
}

export async function deleteRecord(db: Db, input: Scope & Cause & { id: string }): Promise<RecordChange | null> {
  if (!isUuid(input.id)) return null;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(records)
      .where(and(eq(records.id, input.id), eq(records.workspaceId, input.workspaceId), eq(records.object, input.object)))
      .returning();
    if (!row) return null;
    const event = await appendEvent(tx, recordEvent('deleted', row, recordView(row), Object.keys(row.data).sort(), input.causation ?? ROOT_CAUSATION));
    return { record: row, event };
  });
}

export async function getRecord(db: DbOrTx, input: Scope & { id: string }): Promise<RecordRow | null> {
  if (!isUuid(input.id)) return null;
  const [row] = await db
    .select()
    .from(records)
    .where(and(eq(records.id, input.id), eq(records.workspaceId, input.workspaceId), eq(records.object, input.object)));
  return row ?? null;
}

export type { Page } from './cursor';

/** Newest first, keyset-paginated on (created_at, id). */
export async function listRecords(db: DbOrTx, input: Scope & { limit?: number; cursor?: string | null }): Promise<Page<RecordRow>> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const conds = [eq(records.workspaceId, input.workspaceId), eq(records.object, input.object)];
  const after = afterCursor(records.createdAt, records.id, input.cursor);
  if (after) conds.push(after);
  const rows = await db
    .select({ record: records, cursorAt: cursorAt(records.createdAt) })
    .from(records)
    .where(and(...conds))
    .orderBy(desc(records.createdAt), desc(records.id))
    .limit(limit + 1);
  return pageOf(
    rows,
    limit,
    (r) => r.record.id,
    (r) => r.record,
  );
}
