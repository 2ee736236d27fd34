import { sql, type SQL } from 'drizzle-orm';
import { TRIGGER_TYPES_BY_RECORD_EVENT, type Causation, type TriggerPayload } from '../definition';
import { events, type EventSource } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { rowFromDriver, rowsOf } from '../db/driver-row';

export type NewEvent = {
  workspaceId: string;
  source: EventSource;
  type: string;
  payload: TriggerPayload;
  causation: Causation;
  object?: string | null;
  recordId?: string | null;
  workflowId?: string | null;
  dedupeKey?: string | null;
};

export type StoredEvent = typeof events.$inferSelect;

/**
 * SQL: whether an active workflow of the workspace has a trigger that accepts this record event on
 * this object (the claim's own match, workflows_dispatch_idx). `workspaceId` and `object` are
 * values or column references of the statement it is part of.
 */
export function recordEventListened(workspaceId: SQL | string, type: string, object: SQL | string): SQL {
  const types = TRIGGER_TYPES_BY_RECORD_EVENT[type] ?? [];
  return sql`exists (select 1 from workflows w
     where w.workspace_id = ${workspaceId}::uuid and w.is_active
       and w.active_trigger_type = any(${`{${types.join(',')}}`}::text[]) and w.active_trigger_object = ${object})`;
}

/** The outcome of an event that no workflow accepted: dispatched, with no runs. */
export const NO_RUNS_OUTCOME = sql`'{"runs":[],"deduplicated":0}'::jsonb`;

/**
 * The status columns of a record event as it is written: a change no workflow listens to (most of
 * them) is settled at once, dispatched with no runs, so it costs no queue message and no claim;
 * the queues skip it (message.ts). One that a workflow listens to is pending for the dispatcher,
 * which matches the trigger's own conditions (field, from, to) when it claims it. `listened` appears
 * in all three columns, so callers pass an answer computed once (a materialized `heard`).
 */
export function recordEventStatus(listened: SQL) {
  return {
    status: sql<'pending' | 'dispatched'>`case when ${listened} then 'pending' else 'dispatched' end`,
    outcome: sql`case when ${listened} then null else ${NO_RUNS_OUTCOME} end`,
    dispatchedAt: sql`case when ${listened} then null else now() end`,
  };
}

/** Writes an event to the log/outbox. Call inside the transaction that makes the change it describes. */
export async function appendEvent(db: DbOrTx, e: NewEvent): Promise<StoredEvent> {
  if (e.source === 'record' && e.object) return appendRecordEvent(db, e, e.object);
  const [row] = await db
    .insert(events)
    .values({
      workspaceId: e.workspaceId,
      source: e.source,
      type: e.type,
      payload: e.payload,
      causation: e.causation,
      object: e.object ?? null,
      recordId: e.recordId ?? null,
      workflowId: e.workflowId ?? null,
      dedupeKey: e.dedupeKey ?? null,
    })
    .returning();
  if (!row) throw new Error('event insert returned nothing');
  return row;
}

/**
 * A record event settled as it is written (recordEventStatus). Its three status columns read one
 * materialized answer to "does anyone listen": written as VALUES, each column would run the
 * workflows lookup again.
 */
async function appendRecordEvent(db: DbOrTx, e: NewEvent, object: string): Promise<StoredEvent> {
  const s = recordEventStatus(sql`(select yes from heard)`);
  const result = await db.execute(sql`
    with heard as materialized (select ${recordEventListened(e.workspaceId, e.type, object)} as yes)
    insert into events (workspace_id, source, type, object, record_id, workflow_id, dedupe_key, payload, causation, status, outcome, dispatched_at)
    values (${e.workspaceId}::uuid, ${e.source}, ${e.type}, ${object}, ${e.recordId ?? null}, ${e.workflowId ?? null}::uuid, ${e.dedupeKey ?? null},
            ${JSON.stringify(e.payload)}::jsonb, ${JSON.stringify(e.causation)}::jsonb, ${s.status}, ${s.outcome}, ${s.dispatchedAt})
    returning *`);
  const raw = rowsOf<Record<string, unknown>>(result)[0];
  if (!raw) throw new Error('event insert returned nothing');
  return rowFromDriver(events, raw);
}
