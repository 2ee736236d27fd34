import { and, eq } from 'drizzle-orm';
import type { ManualTrigger } from '../definition';
import { workflowVersions, workflows } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { isUuid } from './ids';
import type { WorkflowRow, WorkflowVersionRow } from './workflows';

/** An active workflow whose published version starts manually, as the Records view lists it. */
export type ManualWorkflow = { id: string; name: string; object: string | null; allowMembers: boolean };

/**
 * The active workflows whose published version has a manual trigger; with `object`, those that run
 * on records of it. Read from the published version (what a run would use), never the draft.
 */
export async function listManualWorkflows(db: DbOrTx, q: { workspaceId: string; object?: string | undefined }): Promise<ManualWorkflow[]> {
  const rows = await db
    .select({ id: workflows.id, name: workflowVersions.name, trigger: workflowVersions.trigger })
    .from(workflows)
    .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .where(and(eq(workflows.workspaceId, q.workspaceId), eq(workflows.isActive, true), eq(workflows.activeTriggerType, 'manual')))
    .orderBy(workflowVersions.name);
  const out: ManualWorkflow[] = [];
  for (const r of rows) {
    if (r.trigger.type !== 'manual') continue;
    const t: ManualTrigger = r.trigger;
    if (q.object !== undefined && t.object !== q.object) continue;
    out.push({ id: r.id, name: r.name, object: t.object ?? null, allowMembers: t.allowMembers ?? false });
  }
  return out;
}

/** A workflow with its published version, in the workspace; null when either is missing. */
export async function getPublishedWorkflow(
  db: DbOrTx,
  q: { workspaceId: string; id: string },
): Promise<{ workflow: WorkflowRow; version: WorkflowVersionRow | null } | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .select({ workflow: workflows, version: workflowVersions })
    .from(workflows)
    .leftJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)));
  return row ?? null;
}
