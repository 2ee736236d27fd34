import { and, eq } from 'drizzle-orm';
import { workflowVersions, workflows } from '../db/schema';
import type { DbOrTx } from '../db/client';

// What the Temporal schedule sync (functions/src/schedules) reads: the database is the source of truth.

/** A workflow's activity and its active version's definition (version fields null when it has none); undefined when no such workflow. */
export async function getScheduleTarget(db: DbOrTx, workflowId: string) {
  const [row] = await db
    .select({
      id: workflows.id,
      workspaceId: workflows.workspaceId,
      isActive: workflows.isActive,
      versionId: workflowVersions.id,
      trigger: workflowVersions.trigger,
      actions: workflowVersions.actions,
    })
    .from(workflows)
    .leftJoin(workflowVersions, and(eq(workflowVersions.id, workflows.activeVersionId), eq(workflowVersions.workspaceId, workflows.workspaceId)))
    .where(eq(workflows.id, workflowId));
  return row;
}

/** Every active workflow whose active version is schedule-triggered, in every workspace. */
export async function listActiveScheduleWorkflows(db: DbOrTx): Promise<{ id: string }[]> {
  return db
    .select({ id: workflows.id })
    .from(workflows)
    .where(and(eq(workflows.isActive, true), eq(workflows.activeTriggerType, 'schedule')));
}
