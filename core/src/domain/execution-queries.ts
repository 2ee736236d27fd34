import { and, inArray, asc, desc, eq, gte, isNotNull, lte, type SQL } from 'drizzle-orm';
import type { ExecutionStatus } from '../definition';
import { devMail, executionSteps, workflowExecutions, workflowVersions, workflows } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { isUuid } from './ids';
import type { ExecutionStepRow } from './steps';
import { afterCursor, cursorAt, pageOf, type Page } from './cursor';

export type ExecutionListItem = typeof workflowExecutions.$inferSelect & { workflowName: string | null; version: number | null };
type StepRow = ExecutionStepRow;

export type ListExecutionsQuery = {
  workspaceId: string;
  workflowId?: string | undefined;
  status?: ExecutionStatus | undefined;
  recordId?: string | undefined;
  /** created_at >= from */
  from?: Date | undefined;
  /** created_at <= to */
  to?: Date | undefined;
  isTest?: boolean | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
};

const listColumns = {
  execution: workflowExecutions,
  workflowName: workflows.name,
  version: workflowVersions.version,
};

/** Newest first, keyset-paginated on (created_at, id). An unparseable cursor starts over. */
export async function listExecutions(db: DbOrTx, q: ListExecutionsQuery): Promise<Page<ExecutionListItem>> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const where: SQL[] = [eq(workflowExecutions.workspaceId, q.workspaceId)];
  if (q.workflowId) {
    if (!isUuid(q.workflowId)) return { items: [], nextCursor: null };
    where.push(eq(workflowExecutions.workflowId, q.workflowId));
  }
  if (q.status) where.push(eq(workflowExecutions.status, q.status));
  if (q.recordId) where.push(eq(workflowExecutions.recordId, q.recordId));
  if (q.from) where.push(gte(workflowExecutions.createdAt, q.from));
  if (q.to) where.push(lte(workflowExecutions.createdAt, q.to));
  if (q.isTest !== undefined) where.push(eq(workflowExecutions.isTest, q.isTest));
  const after = afterCursor(workflowExecutions.createdAt, workflowExecutions.id, q.cursor);
  if (after) where.push(after);
  const rows = await db
    .select({ ...listColumns, cursorAt: cursorAt(workflowExecutions.createdAt) })
    .from(workflowExecutions)
    .leftJoin(workflows, eq(workflows.id, workflowExecutions.workflowId))
    .leftJoin(workflowVersions, eq(workflowVersions.id, workflowExecutions.versionId))
    .where(and(...where))
    .orderBy(desc(workflowExecutions.createdAt), desc(workflowExecutions.id))
    .limit(limit + 1);
  return pageOf(
    rows,
    limit,
    (r) => r.execution.id,
    (r) => ({ ...r.execution, workflowName: r.workflowName, version: r.version }),
  );
}

/** One execution of this workspace with its steps in the order they ran; null when not here. */
export async function getExecutionDetail(db: DbOrTx, q: { workspaceId: string; id: string }): Promise<(ExecutionListItem & { steps: StepRow[] }) | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .select(listColumns)
    .from(workflowExecutions)
    .leftJoin(workflows, eq(workflows.id, workflowExecutions.workflowId))
    .leftJoin(workflowVersions, eq(workflowVersions.id, workflowExecutions.versionId))
    .where(and(eq(workflowExecutions.id, q.id), eq(workflowExecutions.workspaceId, q.workspaceId)));
  if (!row) return null;
  const steps = await db
    .select()
    .from(executionSteps)
    .where(and(eq(executionSteps.executionId, q.id), eq(executionSteps.workspaceId, q.workspaceId)))
    .orderBy(asc(executionSteps.seq), asc(executionSteps.path));
  return { ...row.execution, workflowName: row.workflowName, version: row.version, steps };
}

export type DevMailRow = typeof devMail.$inferSelect;

/** The dev inbox of a workspace, newest first. */
export async function listDevMail(
  db: DbOrTx,
  q: { workspaceId: string; cursor?: string | undefined; limit?: number | undefined; runMailOnly?: boolean },
): Promise<Page<DevMailRow>> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const where: SQL[] = [eq(devMail.workspaceId, q.workspaceId)];
  // The product's own mail (invitations, no run) carries one-time links: not for every member's eyes.
  if (q.runMailOnly) where.push(isNotNull(devMail.executionId));
  const after = afterCursor(devMail.createdAt, devMail.id, q.cursor);
  if (after) where.push(after);
  const rows = await db
    .select({ mail: devMail, cursorAt: cursorAt(devMail.createdAt) })
    .from(devMail)
    .where(and(...where))
    .orderBy(desc(devMail.createdAt), desc(devMail.id))
    .limit(limit + 1);
  return pageOf(
    rows,
    limit,
    (r) => r.mail.id,
    (r) => r.mail,
  );
}

/** Marks a run that never reached Temporal as cancelled (only while still pending/running). */
export async function markExecutionCancelled(db: DbOrTx, q: { workspaceId: string; id: string }, now = new Date()) {
  const [row] = await db
    .update(workflowExecutions)
    .set({ status: 'cancelled', completedAt: now, error: 'cancelled' })
    .where(
      and(
        eq(workflowExecutions.id, q.id),
        eq(workflowExecutions.workspaceId, q.workspaceId),
        inArray(workflowExecutions.status, ['queued', 'pending', 'running']),
      ),
    )
    .returning();
  return row ?? null;
}

/** The latest non-test run of each workflow in the workspace (one DISTINCT ON query over the workflow index). */
export async function lastRuns(db: DbOrTx, workspaceId: string): Promise<Map<string, { status: ExecutionStatus; createdAt: Date }>> {
  const rows = await db
    .selectDistinctOn([workflowExecutions.workflowId], {
      workflowId: workflowExecutions.workflowId,
      status: workflowExecutions.status,
      createdAt: workflowExecutions.createdAt,
    })
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.workspaceId, workspaceId), eq(workflowExecutions.isTest, false)))
    .orderBy(workflowExecutions.workflowId, desc(workflowExecutions.createdAt));
  return new Map(rows.map((r) => [r.workflowId, { status: r.status, createdAt: r.createdAt }]));
}
