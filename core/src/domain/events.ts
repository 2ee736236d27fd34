import type { Causation, TriggerPayload } from '../definition';
import { events, type EventSource } from '../db/schema';
import type { DbOrTx } from '../db/client';

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

/** Writes an event to the log/outbox. Call inside the transaction that makes the change it describes. */
export async function appendEvent(db: DbOrTx, e: NewEvent): Promise<StoredEvent> {
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
