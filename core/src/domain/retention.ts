import { eq, sql } from 'drizzle-orm';
import { RUN_RETENTION_DAYS, RunRetentionDaysSchema } from '../api/retention';
import type { Db, DbOrTx } from '../db/client';
import { rowsOf } from '../db/driver-row';
import { events, executionSteps, workflowExecutions, workspaces } from '../db/schema';

/**
 * Run retention: a workspace keeps its finished runs (with their steps) and its events for
 * `runRetentionDays` after they end; a scheduled job deletes what is older, in bounded batches.
 * What it never deletes: a run still in flight (pending or running), a finished run whose child
 * (call_workflow) is still in flight, and an event any remaining run points at. The audit log is
 * not touched: it is append-only and kept for as long as the workspace exists.
 */

/** Runs in these states are over: nothing will write to them again. */
const FINISHED = sql`('completed', 'failed', 'cancelled')`;
const IN_FLIGHT = sql`('pending', 'running')`;

export async function getRunRetentionDays(db: DbOrTx, workspaceId: string): Promise<number> {
  const [row] = await db.select({ days: workspaces.runRetentionDays }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row?.days ?? RUN_RETENTION_DAYS.default;
}

/** Sets the retention; returns the value it replaced (for the audit entry). */
export async function setRunRetentionDays(tx: DbOrTx, workspaceId: string, days: number): Promise<{ before: number }> {
  const valid = RunRetentionDaysSchema.parse(days);
  const before = await getRunRetentionDays(tx, workspaceId);
  await tx.update(workspaces).set({ runRetentionDays: valid }).where(eq(workspaces.id, workspaceId));
  return { before };
}

export type PruneCounts = { executions: number; steps: number; events: number };

export type PruneOptions = {
  /** Rows per DELETE statement (default 1,000): a large backlog never holds locks for long. */
  batchSize?: number;
  /** Stop starting new batches after this moment; the next run carries on where this one stopped. */
  deadline?: Date;
  /** Called after every statement, with the rows it deleted (tests check the bound with it). */
  onBatch?: (table: 'executions' | 'steps' | 'events', rows: number) => void;
};

const idsOf = (result: unknown) => rowsOf<{ id: string }>(result).map((r) => r.id);

/**
 * One workspace's pass. Each statement deletes at most `batchSize` rows: steps of a chosen batch
 * of runs first (so the cascade from a run deletes nothing big), then those runs, then events.
 * Cut-offs are computed by the database (`now()`), in the same clock the rows were stamped with.
 */
export async function pruneWorkspaceRuns(db: Db, q: { workspaceId: string; days: number }, opts: PruneOptions = {}): Promise<PruneCounts & { done: boolean }> {
  const batch = Math.max(1, opts.batchSize ?? 1_000);
  const cutoff = sql`now() - make_interval(days => ${q.days}::int)`;
  const counts: PruneCounts = { executions: 0, steps: 0, events: 0 };
  const overdue = () => opts.deadline !== undefined && Date.now() >= opts.deadline.getTime();

  for (;;) {
    if (overdue()) return { ...counts, done: false };
    // created_at <= completed_at, so the first test lets the workspace index narrow the scan.
    const runIds = idsOf(
      await db.execute(sql`select e.id from ${workflowExecutions} e
        where e.workspace_id = ${q.workspaceId} and e.created_at < ${cutoff}
          and coalesce(e.completed_at, e.created_at) < ${cutoff}
          and e.status in ${FINISHED}
          and not exists (select 1 from ${workflowExecutions} c where c.parent_execution_id = e.id and c.status in ${IN_FLIGHT})
        limit ${batch}`),
    );
    if (runIds.length === 0) break;
    const ids = sql`array[${sql.join(
      runIds.map((id) => sql`${id}`),
      sql`, `,
    )}]::uuid[]`;
    for (;;) {
      const deleted = idsOf(
        await db.execute(sql`delete from ${executionSteps} where id in (
          select id from ${executionSteps} where workspace_id = ${q.workspaceId} and execution_id = any(${ids}) limit ${batch})
          returning id`),
      ).length;
      opts.onBatch?.('steps', deleted);
      counts.steps += deleted;
      if (deleted < batch) break;
    }
    // The status test again: a run is only ever deleted finished, whatever happened meanwhile.
    const runs = idsOf(
      await db.execute(
        sql`delete from ${workflowExecutions} where workspace_id = ${q.workspaceId} and id = any(${ids}) and status in ${FINISHED} returning id`,
      ),
    ).length;
    opts.onBatch?.('executions', runs);
    counts.executions += runs;
    if (runIds.length < batch) break;
  }

  for (;;) {
    if (overdue()) return { ...counts, done: false };
    // Pending events are still the outbox's work; an event a run points at stays with that run.
    const deleted = idsOf(
      await db.execute(sql`delete from ${events} where id in (
        select ev.id from ${events} ev
        where ev.workspace_id = ${q.workspaceId} and ev.received_at < ${cutoff} and ev.status <> 'pending'
          and not exists (select 1 from ${workflowExecutions} e where e.event_id = ev.id)
        limit ${batch})
        returning id`),
    ).length;
    opts.onBatch?.('events', deleted);
    counts.events += deleted;
    if (deleted < batch) break;
  }
  return { ...counts, done: true };
}

/** Every workspace's pass, each with its own retention; what a deadline cut short is `done: false`. */
export async function pruneExpiredRuns(db: Db, opts: PruneOptions = {}): Promise<PruneCounts & { workspaces: number; done: boolean }> {
  const all = await db.select({ id: workspaces.id, days: workspaces.runRetentionDays }).from(workspaces).orderBy(workspaces.id);
  const total = { executions: 0, steps: 0, events: 0, workspaces: 0, done: true };
  for (const w of all) {
    const r = await pruneWorkspaceRuns(db, { workspaceId: w.id, days: w.days }, opts);
    total.executions += r.executions;
    total.steps += r.steps;
    total.events += r.events;
    total.workspaces += 1;
    if (!r.done) return { ...total, done: false };
  }
  return total;
}
