import { and, eq } from 'drizzle-orm';
import type { WorkflowTrigger } from '../definition';
import { workflowVersions, workflows } from '../db/schema';
import type { DbOrTx } from '../db/client';

/** The active webhook workflow behind a hook id, with its active version's trigger; null when none. */
export async function findActiveHook(db: DbOrTx, hookId: string): Promise<{ workflowId: string; workspaceId: string; trigger: WorkflowTrigger } | null> {
  const [row] = await db
    .select({ workflowId: workflows.id, workspaceId: workflows.workspaceId, trigger: workflowVersions.trigger })
    .from(workflows)
    .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .where(and(eq(workflows.hookId, hookId), eq(workflows.isActive, true), eq(workflows.activeTriggerType, 'webhook')));
  return row ?? null;
}
