import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ExecutionStatus, Json, TriggerPayload } from '../definition';
import { events, workflowExecutions } from '../db/schema';
import type { Db, DbOrTx } from '../db/client';
import { rowsOf } from '../db/driver-row';
import { preparedQuery } from '../db/prepared';
import { runWorkflowId } from '../temporal';
import { stepWriteQueries, type StepWrite } from './steps';

// A queued run is open too: cancelling it (or refusing it) ends it before it ever started.
const OPEN: ExecutionStatus[] = ['queued', 'pending', 'running'];

// Every run begins with this: a prepared statement.
const markRunning = preparedQuery('execution_mark_running', (db, name) =>
  db
    .update(workflowExecutions)
    .set({ status: 'running', startedAt: sql`${sql.placeholder('startedAt')}::timestamptz` })
    .where(
      and(
        eq(workflowExecutions.id, sql.placeholder('id')),
        eq(workflowExecutions.workspaceId, sql.placeholder('workspaceId')),
        eq(workflowExecutions.status, 'pending'),
      ),
    )
    .returning({ id: workflowExecutions.id })
    .prepare(name),
);

/** pending → running. Idempotent; never reopens a finished execution. */
export async function markExecutionRunning(db: DbOrTx, e: { workspaceId: string; executionId: string; startedAt?: Date }): Promise<boolean> {
  const rows = await markRunning(db).execute({ id: e.executionId, workspaceId: e.workspaceId, startedAt: (e.startedAt ?? new Date()).toISOString() });
  return rows.length > 0;
}

/** running → completed | failed | cancelled. Only an open execution changes, so a replayed write is harmless. */
export async function finishExecution(
  db: DbOrTx,
  e: {
    workspaceId: string;
    executionId: string;
    status: Exclude<ExecutionStatus, 'pending' | 'running'>;
    output?: Json | null;
    error?: string | null;
    completedAt?: Date;
  },
): Promise<boolean> {
  const rows = await db
    .update(workflowExecutions)
    .set({ status: e.status, output: e.output ?? null, error: e.error ?? null, completedAt: e.completedAt ?? new Date() })
    .where(and(eq(workflowExecutions.id, e.executionId), eq(workflowExecutions.workspaceId, e.workspaceId), inArray(workflowExecutions.status, OPEN)))
    .returning({ id: workflowExecutions.id });
  return rows.length > 0;
}

/**
 * A run's last step rows and its successful end in one statement: one commit, and none of a
 * transaction's extra round trips. The step writes run first (data-modifying parts of a statement
 * all happen, in one snapshot), so a completed run never lacks its steps. With `began`, the run's
 * beginning goes in the same write: a run whose steps all ran in one local activity goes from
 * pending to completed here, with its started_at, instead of a separate pending → running write
 * before its first step. Only an open execution changes, so a replayed write is harmless.
 * Returns whether this write ended the run, and whether it was still pending (so began with it).
 */
export async function completeExecution(
  db: DbOrTx,
  e: { workspaceId: string; executionId: string; output: Json | null; began?: Date },
  rows: readonly StepWrite[],
): Promise<{ ended: boolean; wasPending: boolean }> {
  const parts = stepWriteQueries(db, rows).map((q, i) => sql`${sql.raw(`s${i}`)} as (${q.getSQL()})`);
  const output = e.output === null ? sql`null` : sql`${JSON.stringify(e.output)}::jsonb`;
  const startedAt = e.began ? sql`coalesce(x.started_at, ${e.began.toISOString()}::timestamp)` : sql`x.started_at`;
  const result = await db.execute(sql`
    ${parts.length ? sql`with ${sql.join(parts, sql`, `)}` : sql``}
    update workflow_executions x
       set status = 'completed', output = ${output}, error = null, completed_at = ${new Date().toISOString()}::timestamp, started_at = ${startedAt}
      from (select id, status from workflow_executions where id = ${e.executionId}::uuid and workspace_id = ${e.workspaceId}::uuid) was
     where x.id = was.id and x.status in ('pending', 'running')
    returning was.status as was`);
  const [row] = rowsOf<{ was: string }>(result);
  return { ended: !!row, wasPending: row?.was === 'pending' };
}

/**
 * A schedule fire has no dispatcher: the run creates its own execution row (with an id chosen
 * deterministically by the workflow) and a `schedule.fired` event for the event log, already
 * marked dispatched so nothing dispatches it again. Idempotent for the same execution id.
 */
export async function createScheduledExecution(
  db: Db,
  e: {
    executionId: string;
    workspaceId: string;
    workflowId: string;
    versionId: string | null;
    trigger: TriggerPayload;
    input: Json;
    temporalWorkflowId?: string;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    const dedupeKey = `schedule:${e.executionId}`;
    await tx
      .insert(events)
      .values({
        workspaceId: e.workspaceId,
        source: 'schedule',
        type: 'schedule.fired',
        workflowId: e.workflowId,
        payload: e.trigger,
        causation: { depth: 0, chain: [] },
        dedupeKey,
        status: 'dispatched',
        outcome: { runs: [e.executionId], deduplicated: 0 },
        attempts: 1,
        dispatchedAt: new Date(),
      })
      .onConflictDoNothing();
    const [ev] = await tx
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.workspaceId, e.workspaceId), eq(events.dedupeKey, dedupeKey)));
    await tx
      .insert(workflowExecutions)
      .values({
        id: e.executionId,
        workspaceId: e.workspaceId,
        workflowId: e.workflowId,
        versionId: e.versionId,
        eventId: ev?.id ?? null,
        input: e.input,
        status: 'pending',
        temporalWorkflowId: e.temporalWorkflowId ?? runWorkflowId(e.executionId),
      })
      .onConflictDoNothing();
  });
}

/** The execution row, for the runtime's own checks (the API has its own listing). */
export async function getExecutionState(db: DbOrTx, scope: { workspaceId: string; executionId: string }) {
  const [row] = await db
    .select()
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.id, scope.executionId), eq(workflowExecutions.workspaceId, scope.workspaceId)));
  return row ?? null;
}
