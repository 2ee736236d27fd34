import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Causation, TriggerPayload, WorkflowAction, WorkflowTrigger } from '../definition';
import { events, workflowExecutions, workflowVersions, workspaces } from '../db/schema';
import type { Db, DbOrTx } from '../db/client';
import { rowsOf } from '../db/driver-row';
import { preparedSql } from '../db/prepared';

/**
 * Per-workspace limits, set by an operator (`npm run admin -- set-limits`); null is "no limit".
 * The defaults (migration 0011) keep one tenant's burst from taking the whole instance.
 */
const limit = (max: number) => z.number().int().min(1).max(max).nullable();
export const WorkspaceLimitsSchema = z.object({
  eventsPerSecond: limit(1_000_000),
  maxConcurrentRuns: limit(1_000_000),
  monthlyRunQuota: limit(1_000_000_000),
});
export type WorkspaceLimits = z.infer<typeof WorkspaceLimitsSchema>;

/** The quota's calendar month, in UTC: "2026-12". */
export const usageMonth = (at = new Date()) => at.toISOString().slice(0, 7);

/** The first moment of the next month (UTC): when the quota starts again. */
export const quotaResetsAt = (at = new Date()) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));

/** Share of the monthly quota at which admins are warned, once a month. */
export const QUOTA_WARNING_SHARE = 0.8;

export type Admission = {
  /** admitted: start it now; queued: it waits for a slot (the promoter starts it); refused: the quota is used up. */
  decision: 'admitted' | 'queued' | 'refused';
  quota: number | null;
  /** Runs counted this month, this one included when it counted. */
  runs: number;
  /** This admission crossed the warning share: the caller mails the admins (the flag is already set). */
  warn: boolean;
};

/** Admissions of one workspace run one at a time, so two never take the same last slot (migration 0012). */
const lockWorkspace = (tx: DbOrTx, workspaceId: string) => tx.execute(sql`select conduit_lock_run_slots(${workspaceId}::uuid)`);

/** Runs holding a slot (admitted, not finished, not waiting durably): one SQL function, migration 0012. */
const IN_FLIGHT = sql`conduit_runs_in_flight(w.id)`;

// Every run start: prepared once per connection.
const admitStatement = preparedSql(
  'run_admit',
  sql`select decision, quota, runs, warn from conduit_admit_run(${sql.placeholder('workspaceId')}::uuid, ${sql.placeholder('executionId')}::uuid, ${sql.placeholder('queueable')}::boolean, ${sql.placeholder('month')}::text, ${sql.placeholder('share')}::float8)`,
);

/**
 * Takes a slot for a run whose row exists (pending): counts it toward the month's quota, then admits
 * it, or queues it when `queueable` and the workspace's concurrent runs are at their limit, or
 * refuses it when the month's quota is used up. Asking again for the same run changes nothing (a
 * redelivered event): an admitted run stays admitted and a queued one stays queued, counted once.
 * Runs a person starts are not queueable: they start at once and still take a slot.
 * One statement (the function `conduit_admit_run`, migration 0012): the workspace's lock is held for
 * the decision alone, never across a client round trip, and a workspace without limits takes none.
 */
export async function admitRun(db: Db, q: { workspaceId: string; executionId: string; queueable: boolean; at?: Date }): Promise<Admission> {
  const result = await admitStatement(db).execute({
    workspaceId: q.workspaceId,
    executionId: q.executionId,
    queueable: q.queueable,
    month: usageMonth(q.at),
    share: QUOTA_WARNING_SHARE,
  });
  const [row] = rowsOf<{ decision: Admission['decision']; quota: number | null; runs: number; warn: boolean }>(result);
  if (!row) throw new Error(`workspace ${q.workspaceId} not found`);
  return { decision: row.decision, quota: row.quota, runs: Number(row.runs), warn: row.warn };
}

/** Workspaces with queued runs (the promoter's work list). */
export async function workspacesWithQueuedRuns(db: DbOrTx, max = 1_000): Promise<string[]> {
  const result = await db.execute(sql`select distinct workspace_id from workflow_executions where status = 'queued' limit ${max}`);
  return rowsOf<{ workspace_id: string }>(result).map((r) => r.workspace_id);
}

/** A queued run made ready to start: what the dispatcher's claim would have given it. */
export type PromotedRun = {
  executionId: string;
  workspaceId: string;
  workflowId: string;
  versionId: string | null;
  definition: { trigger: WorkflowTrigger; actions: WorkflowAction[] };
  trigger: TriggerPayload;
  eventId: string;
  causation: Causation;
  recordId: string | null;
};

/**
 * Admits the workspace's oldest queued runs into its free slots (at most `max`) and returns what
 * starting each needs. They were counted toward the quota when queued. A queued run whose event or
 * version is gone is admitted too, and returned with `definition` unresolved for the caller to fail.
 */
export async function admitQueuedRuns(db: Db, workspaceId: string, max = 200): Promise<{ ready: PromotedRun[]; orphaned: string[] }> {
  const ids = await db.transaction(async (tx) => {
    await lockWorkspace(tx, workspaceId);
    const result = await tx.execute(sql`
      with w as (select w.id, w.max_concurrent_runs as lim, ${IN_FLIGHT} as in_flight from workspaces w where w.id = ${workspaceId}::uuid),
      free as (select greatest(0, least(${max}::int, coalesce(w.lim - w.in_flight, ${max}::int))) as n from w),
      picked as (
        select x.id from workflow_executions x
         where x.workspace_id = ${workspaceId}::uuid and x.status = 'queued'
         order by x.created_at, x.id
         limit (select n from free)
      )
      update workflow_executions set status = 'pending', admitted_at = now()
       where id in (select id from picked) and status = 'queued'
      returning id`);
    return rowsOf<{ id: string }>(result).map((r) => r.id);
  });
  if (ids.length === 0) return { ready: [], orphaned: [] };
  const rows = await db
    .select({
      executionId: workflowExecutions.id,
      workflowId: workflowExecutions.workflowId,
      versionId: workflowExecutions.versionId,
      trigger: workflowVersions.trigger,
      actions: workflowVersions.actions,
      payload: events.payload,
      eventId: events.id,
      causation: events.causation,
      recordId: events.recordId,
    })
    .from(workflowExecutions)
    .innerJoin(workflowVersions, eq(workflowVersions.id, workflowExecutions.versionId))
    .innerJoin(events, eq(events.id, workflowExecutions.eventId))
    .where(and(eq(workflowExecutions.workspaceId, workspaceId), inArray(workflowExecutions.id, ids)));
  const ready = rows.map(
    (r): PromotedRun => ({
      executionId: r.executionId,
      workspaceId,
      workflowId: r.workflowId,
      versionId: r.versionId,
      definition: { trigger: r.trigger, actions: r.actions },
      trigger: r.payload,
      eventId: r.eventId,
      causation: r.causation,
      recordId: r.recordId,
    }),
  );
  const found = new Set(ready.map((r) => r.executionId));
  return { ready, orphaned: ids.filter((id) => !found.has(id)) };
}

const LIMIT_COLUMNS = {
  eventsPerSecond: workspaces.eventsPerSecond,
  maxConcurrentRuns: workspaces.maxConcurrentRuns,
  monthlyRunQuota: workspaces.monthlyRunQuota,
};

export async function getWorkspaceLimits(db: DbOrTx, workspaceId: string): Promise<WorkspaceLimits | null> {
  const [row] = await db.select(LIMIT_COLUMNS).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row ?? null;
}

/** Sets the given limits (null lifts one); returns the limits now in force. */
export async function setWorkspaceLimits(db: DbOrTx, workspaceId: string, change: Partial<WorkspaceLimits>): Promise<WorkspaceLimits | null> {
  const set = WorkspaceLimitsSchema.partial().parse(change);
  if (Object.keys(set).length === 0) return getWorkspaceLimits(db, workspaceId);
  const [row] = await db.update(workspaces).set(set).where(eq(workspaces.id, workspaceId)).returning(LIMIT_COLUMNS);
  return row ?? null;
}

export type WorkspaceUsage = {
  limits: WorkspaceLimits;
  month: string;
  quotaResetsAt: string;
  /** Runs counted toward this month's quota. */
  runs: number;
  running: number;
  queued: number;
  /** Webhook calls refused by the workspace's events-per-second limit in the last 24 hours. */
  refusedEvents24h: number;
};

/** Limits and what the workspace uses of them now, for Settings → Usage. */
export async function workspaceUsage(db: DbOrTx, workspaceId: string, at = new Date()): Promise<WorkspaceUsage | null> {
  const month = usageMonth(at);
  const result = await db.execute(sql`
    select w.events_per_second, w.max_concurrent_runs, w.monthly_run_quota,
           coalesce((select u.runs from workspace_usage u where u.workspace_id = w.id and u.month = ${month}), 0) as runs,
           ${IN_FLIGHT} as running,
           (select count(*)::int from workflow_executions q where q.workspace_id = w.id and q.status = 'queued') as queued,
           coalesce((select sum(r.count)::int from hook_refusals r
                      where r.workspace_id = w.id and r.reason = 'workspace_limit' and r.minute > ${at.toISOString()}::timestamptz - interval '24 hours'), 0) as refused
      from workspaces w where w.id = ${workspaceId}::uuid`);
  const [row] = rowsOf<{
    events_per_second: number | null;
    max_concurrent_runs: number | null;
    monthly_run_quota: number | null;
    runs: number;
    running: number;
    queued: number;
    refused: number;
  }>(result);
  if (!row) return null;
  return {
    limits: { eventsPerSecond: row.events_per_second, maxConcurrentRuns: row.max_concurrent_runs, monthlyRunQuota: row.monthly_run_quota },
    month,
    quotaResetsAt: quotaResetsAt(at).toISOString(),
    runs: Number(row.runs),
    running: Number(row.running),
    queued: Number(row.queued),
    refusedEvents24h: Number(row.refused),
  };
}

/** Puts an admitted run that could not start back in its workspace's queue (its slot is freed). */
export async function requeueRun(db: DbOrTx, q: { workspaceId: string; executionId: string }): Promise<void> {
  await db
    .update(workflowExecutions)
    .set({ status: 'queued', admittedAt: null })
    .where(and(eq(workflowExecutions.id, q.executionId), eq(workflowExecutions.workspaceId, q.workspaceId), eq(workflowExecutions.status, 'pending')));
}
