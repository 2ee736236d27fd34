import { and, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { temporalPayloads, workflowExecutions } from '../db/schema';
// Type only: the codec module loads Temporal's protobufs, which the ingress and dispatcher load lazily.
import type { PayloadStore } from '../temporal-codec/offload';

/**
 * Stored payloads outlive the runs that need them by this long, so a finished run's large payloads
 * stay readable in the Temporal UI for a week (Conduit's own run view reads its step rows).
 */
export const OFFLOAD_KEEP_DAYS = 7;

/** The store on the product's database (table temporal_payloads). */
export function dbPayloadStore(db: Db): PayloadStore {
  return {
    async put(entries) {
      // Stored again: the time moves on, so pruning keeps it for the run that wrote it now.
      await db
        .insert(temporalPayloads)
        .values(entries.map((e) => ({ key: e.key, data: e.data })))
        .onConflictDoUpdate({ target: temporalPayloads.key, set: { storedAt: sql`now()` } });
    },
    async get(keys) {
      const rows = await db
        .select({ key: temporalPayloads.key, data: temporalPayloads.data })
        .from(temporalPayloads)
        .where(inArray(temporalPayloads.key, [...keys]));
      return new Map(rows.map((r) => [r.key, Buffer.from(r.data)]));
    },
  };
}

/**
 * Deletes stored payloads no run can need: stored more than OFFLOAD_KEEP_DAYS ago and before the
 * oldest open run began (every payload a run needs was stored while it ran). At most `limit` rows
 * per call; returns how many went.
 */
export async function pruneStoredPayloads(db: Db, opts: { keepDays?: number; limit?: number } = {}): Promise<number> {
  const keepDays = opts.keepDays ?? OFFLOAD_KEEP_DAYS;
  const oldestOpen = db
    .select({ at: sql`min(${workflowExecutions.createdAt})` })
    .from(workflowExecutions)
    // Literal, as in the partial index executions_open_idx, so the planner can use it.
    .where(sql`${workflowExecutions.status} in ('queued', 'pending', 'running')`);
  const doomed = db
    .select({ key: temporalPayloads.key })
    .from(temporalPayloads)
    .where(
      and(
        lt(temporalPayloads.storedAt, sql`now() - make_interval(days => ${keepDays})`),
        lt(temporalPayloads.storedAt, sql`coalesce((${oldestOpen}), 'infinity'::timestamptz)`),
      ),
    )
    .limit(opts.limit ?? 500);
  const gone = await db.delete(temporalPayloads).where(inArray(temporalPayloads.key, doomed)).returning({ key: temporalPayloads.key });
  return gone.length;
}
