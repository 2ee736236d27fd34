import { and, desc, eq, type SQL } from 'drizzle-orm';
import { ROOT_CAUSATION } from '../definition';
import { events, workflows, type EventSource, type EventStatus } from '../db/schema';
import type { Db } from '../db/client';
import { appendEvent, type StoredEvent } from './events';
import { afterCursor, cursorAt, pageOf } from './cursor';
import { isUuid } from './ids';

/** The workflow an event names (a webhook's, a failed run's), so the log can say which and through which hook. */
export type EventWorkflowRef = { workflowName: string | null; hookId: string | null };
/** An event as the log lists it: everything but the payload (which can be up to the body limit) and the sweeper's bookkeeping. */
export type EventSummary = Omit<StoredEvent, 'payload' | 'sweeps' | 'sweptAt'> & EventWorkflowRef;

export type ListEventsQuery = {
  workspaceId: string;
  status?: EventStatus;
  source?: EventSource;
  workflowId?: string;
  recordId?: string;
  /** From a previous page's nextCursor. */
  cursor?: string;
  limit?: number;
};

const summaryColumns = {
  id: events.id,
  workspaceId: events.workspaceId,
  source: events.source,
  type: events.type,
  object: events.object,
  recordId: events.recordId,
  workflowId: events.workflowId,
  causation: events.causation,
  dedupeKey: events.dedupeKey,
  status: events.status,
  outcome: events.outcome,
  attempts: events.attempts,
  receivedAt: events.receivedAt,
  dispatchedAt: events.dispatchedAt,
};
// Joined on (id, workspace): an event never names another workspace's workflow.
const workflowRefColumns = { workflowName: workflows.name, hookId: workflows.hookId };
const workflowOfEvent = and(eq(workflows.id, events.workflowId), eq(workflows.workspaceId, events.workspaceId));

/** Newest first, keyset-paginated on (received_at, id) over events_workspace_idx. An invalid cursor starts over. */
export async function listEvents(db: Db, q: ListEventsQuery): Promise<{ items: EventSummary[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const where: SQL[] = [eq(events.workspaceId, q.workspaceId)];
  if (q.status) where.push(eq(events.status, q.status));
  if (q.source) where.push(eq(events.source, q.source));
  if (q.workflowId) {
    if (!isUuid(q.workflowId)) return { items: [], nextCursor: null };
    where.push(eq(events.workflowId, q.workflowId));
  }
  if (q.recordId) where.push(eq(events.recordId, q.recordId));
  const after = afterCursor(events.receivedAt, events.id, q.cursor);
  if (after) where.push(after);
  const rows = await db
    .select({ ...summaryColumns, ...workflowRefColumns, cursorAt: cursorAt(events.receivedAt) })
    .from(events)
    .leftJoin(workflows, workflowOfEvent)
    .where(and(...where))
    .orderBy(desc(events.receivedAt), desc(events.id))
    .limit(limit + 1);
  return pageOf(
    rows,
    limit,
    (r) => r.id,
    ({ cursorAt: _, ...summary }) => summary,
  );
}

/** One event with its payload; null when it is not in this workspace. */
export async function getEvent(db: Db, q: { workspaceId: string; id: string }): Promise<(StoredEvent & EventWorkflowRef) | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .select({ event: events, ...workflowRefColumns })
    .from(events)
    .leftJoin(workflows, workflowOfEvent)
    .where(and(eq(events.id, q.id), eq(events.workspaceId, q.workspaceId)));
  return row ? { ...row.event, workflowName: row.workflowName, hookId: row.hookId } : null;
}

export type ReplayResult = {
  /** The event to publish: the same one (reset) or a fresh copy. */
  event: StoredEvent;
  /**
   * reset: the event never finished dispatching (pending/failed), so it is dispatched again and
   * only runs that were not started yet start (runs are unique per (workflow, event)).
   * copy: it was dispatched or stopped by the loop guard; a new event with the same payload is
   * stored as a new root cause (depth 0), so its workflows run again. A replay is a deliberate
   * admin action, so one more hop past the loop guard is what the user asked for.
   */
  mode: 'reset' | 'copy';
  replayOf: string;
};

/** Prepares a replay; the caller publishes `event` to the queue. Null when the event is not in this workspace. */
export async function replayEvent(db: Db, q: { workspaceId: string; id: string }): Promise<ReplayResult | null> {
  const original = await getEvent(db, q);
  if (!original) return null;
  if (original.status === 'pending' || original.status === 'failed') {
    const [row] = await db
      .update(events)
      .set({ status: 'pending', attempts: 0, dispatchedAt: null, outcome: null })
      .where(and(eq(events.id, original.id), eq(events.workspaceId, q.workspaceId)))
      .returning();
    if (row) return { event: row, mode: 'reset', replayOf: original.id };
  }
  const copy = await appendEvent(db, {
    workspaceId: original.workspaceId,
    source: original.source,
    type: original.type,
    payload: original.payload,
    causation: ROOT_CAUSATION,
    object: original.object,
    recordId: original.recordId,
    workflowId: original.workflowId,
    dedupeKey: null,
  });
  return { event: copy, mode: 'copy', replayOf: original.id };
}
