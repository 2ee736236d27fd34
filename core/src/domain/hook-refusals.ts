import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { HookRefusalReason } from '../definition';
import { hookRefusals, workflows } from '../db/schema';
import type { Db } from '../db/client';
import { isUuid } from './ids';

/** One aggregated count the ingress adds: calls refused for a hook, for a reason, within a minute. */
export type HookRefusalCount = {
  workflowId: string;
  workspaceId: string;
  reason: HookRefusalReason;
  /** The minute (truncated), ISO. */
  minute: string;
  count: number;
  /** The latest call counted, ISO. */
  lastAt: string;
};

/**
 * Adds the counts in one statement (one parameter: the rows as JSON), adding to a minute already
 * stored by an earlier flush or by another ingress instance. A workflow deleted meanwhile is skipped.
 */
export async function addHookRefusals(db: Db, counts: HookRefusalCount[]): Promise<void> {
  if (counts.length === 0) return;
  const rows = JSON.stringify(
    counts.map((c) => ({ workflow_id: c.workflowId, workspace_id: c.workspaceId, reason: c.reason, minute: c.minute, count: c.count, last_at: c.lastAt })),
  );
  await db.execute(sql`
    insert into hook_refusals (workflow_id, workspace_id, reason, minute, count, last_at)
    select x.workflow_id, x.workspace_id, x.reason, x.minute, x.count, x.last_at
      from jsonb_to_recordset(${rows}::jsonb) as x(workflow_id uuid, workspace_id uuid, reason text, minute timestamptz, count int, last_at timestamptz)
      join workflows w on w.id = x.workflow_id and w.workspace_id = x.workspace_id
    on conflict (workflow_id, reason, minute) do update
      set count = hook_refusals.count + excluded.count, last_at = greatest(hook_refusals.last_at, excluded.last_at)`);
}

type RefusalScope = { workspaceId: string; workflowId?: string; since: Date };
const inScope = (q: RefusalScope) =>
  and(eq(hookRefusals.workspaceId, q.workspaceId), gte(hookRefusals.minute, q.since), ...(q.workflowId ? [eq(hookRefusals.workflowId, q.workflowId)] : []));
// The hook named beside each count: its workflow's name and hook id.
const hookColumns = { workflowId: hookRefusals.workflowId, workflowName: workflows.name, hookId: workflows.hookId, reason: hookRefusals.reason };

export type HookRefusalRow = {
  workflowId: string;
  workflowName: string;
  hookId: string | null;
  reason: HookRefusalReason;
  minute: Date;
  count: number;
  lastAt: Date;
};

/** A workspace's refused calls per hook, reason and minute since `since`, newest first. */
export async function listHookRefusals(db: Db, q: RefusalScope & { limit?: number }): Promise<HookRefusalRow[]> {
  if (q.workflowId !== undefined && !isUuid(q.workflowId)) return [];
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
  return db
    .select({
      ...hookColumns,
      minute: hookRefusals.minute,
      count: hookRefusals.count,
      lastAt: hookRefusals.lastAt,
    })
    .from(hookRefusals)
    .innerJoin(workflows, eq(workflows.id, hookRefusals.workflowId))
    .where(inScope(q))
    .orderBy(desc(hookRefusals.minute), desc(hookRefusals.lastAt))
    .limit(limit);
}

export type HookRefusalTotal = Omit<HookRefusalRow, 'minute'> & { firstAt: Date };

/** The same counts summed per hook and reason since `since` (what the editor shows beside the hook URL). */
export async function hookRefusalTotals(db: Db, q: RefusalScope): Promise<HookRefusalTotal[]> {
  if (q.workflowId !== undefined && !isUuid(q.workflowId)) return [];
  return db
    .select({
      ...hookColumns,
      count: sql<number>`sum(${hookRefusals.count})::int`,
      firstAt: sql<Date>`min(${hookRefusals.minute})`.mapWith(hookRefusals.minute),
      lastAt: sql<Date>`max(${hookRefusals.lastAt})`.mapWith(hookRefusals.lastAt),
    })
    .from(hookRefusals)
    .innerJoin(workflows, eq(workflows.id, hookRefusals.workflowId))
    .where(inScope(q))
    .groupBy(hookRefusals.workflowId, workflows.name, workflows.hookId, hookRefusals.reason)
    .orderBy(desc(sql`max(${hookRefusals.lastAt})`));
}

/** Drops counts older than `before` (the ingress calls it now and then). */
export async function pruneHookRefusals(db: Db, before: Date): Promise<void> {
  await db.delete(hookRefusals).where(lt(hookRefusals.minute, before));
}
