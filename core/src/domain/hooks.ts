import { eq } from 'drizzle-orm';
import type { WorkflowTrigger } from '../definition';
import { workflowVersions, workflows, workspaces } from '../db/schema';
import type { DbOrTx } from '../db/client';

export type FoundHook =
  | { workflowId: string; workspaceId: string; active: true; trigger: WorkflowTrigger; eventsPerSecond: number | null }
  | { workflowId: string; workspaceId: string; active: false };

/**
 * The webhook workflow behind a hook id: active (with its active version's trigger) or not (the
 * ingress answers 404 either way, but counts calls to a hook that was turned off); null when no
 * workflow has it. One indexed lookup on the unique hook_id.
 */
export async function findHook(db: DbOrTx, hookId: string): Promise<FoundHook | null> {
  const [row] = await db
    .select({
      workflowId: workflows.id,
      workspaceId: workflows.workspaceId,
      isActive: workflows.isActive,
      triggerType: workflows.activeTriggerType,
      trigger: workflowVersions.trigger,
      eventsPerSecond: workspaces.eventsPerSecond,
    })
    .from(workflows)
    .innerJoin(workspaces, eq(workspaces.id, workflows.workspaceId))
    .leftJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .where(eq(workflows.hookId, hookId));
  if (!row) return null;
  if (row.isActive && row.triggerType === 'webhook' && row.trigger)
    return { workflowId: row.workflowId, workspaceId: row.workspaceId, active: true, trigger: row.trigger, eventsPerSecond: row.eventsPerSecond };
  return { workflowId: row.workflowId, workspaceId: row.workspaceId, active: false };
}
