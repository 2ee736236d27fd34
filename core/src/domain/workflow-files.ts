import { and, eq, inArray } from 'drizzle-orm';
import type { WorkflowAction, WorkflowTrigger } from '../definition';
import { walkActions } from '../definition';
import { records, workflows } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { secretNames } from './secrets';
import { callSteps } from './workflow-calls';
import type { WorkflowRow } from './workflows';

/** The export file's format version; an import refuses any other. */
export const EXPORT_FORMAT_VERSION = 1;

/** A workflow as a file: its definition only; nothing of the workspace (ids, hook id, secrets, runs). */
export type WorkflowFile = {
  format: 'conduit.workflow';
  version: typeof EXPORT_FORMAT_VERSION;
  exportedAt: string;
  name: string;
  description: string | null;
  trigger: WorkflowTrigger;
  actions: WorkflowAction[];
  /** The workflows its call_workflow steps name, so an import elsewhere can find them by name. */
  references: { workflows: { id: string; name: string }[] };
};

const SECRET_REF = /\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** `{{secrets.NAME}}` names the definition uses, sorted. */
export function secretReferences(def: { trigger: unknown; actions: unknown }): string[] {
  const text = JSON.stringify([def.trigger, def.actions]);
  return [...new Set([...text.matchAll(SECRET_REF)].map((m) => m[1]!))].sort();
}

/** Objects the definition names (its trigger and its record steps), sorted. */
export function objectReferences(def: { trigger: WorkflowTrigger; actions: readonly WorkflowAction[] }): string[] {
  const out = new Set<string>();
  if ('object' in def.trigger && def.trigger.object) out.add(def.trigger.object);
  walkActions(def.actions, (a) => {
    if ('object' in a && typeof a.object === 'string' && !a.object.includes('{{')) out.add(a.object);
  });
  return [...out].sort();
}

export async function exportWorkflow(db: DbOrTx, w: WorkflowRow, now: Date): Promise<WorkflowFile> {
  const ids = [...new Set(callSteps(w.actions).map((c) => c.action.workflowId))];
  const named = ids.length
    ? await db
        .select({ id: workflows.id, name: workflows.name })
        .from(workflows)
        .where(and(eq(workflows.workspaceId, w.workspaceId), inArray(workflows.id, ids)))
    : [];
  return {
    format: 'conduit.workflow',
    version: EXPORT_FORMAT_VERSION,
    exportedAt: now.toISOString(),
    name: w.name,
    description: w.description,
    trigger: w.trigger,
    actions: w.actions,
    references: { workflows: named },
  };
}

export type ImportReport = {
  missingSecrets: string[];
  missingObjects: string[];
  missingWorkflows: { actionId: string; stepLabel: string; workflowName: string | null }[];
};

/**
 * Fits an imported definition to this workspace: a call_workflow target that is not a workflow here
 * is matched by the name the file recorded for it (one workflow of that name), and what is still
 * missing is reported: secrets to set, objects with no records yet, workflows to create.
 */
export async function fitImport(
  db: DbOrTx,
  q: {
    workspaceId: string;
    trigger: WorkflowTrigger;
    actions: WorkflowAction[];
    references: { id: string; name: string }[];
  },
): Promise<{ actions: WorkflowAction[]; report: ImportReport }> {
  const actions = structuredClone(q.actions);
  const here = await db.select({ id: workflows.id, name: workflows.name }).from(workflows).where(eq(workflows.workspaceId, q.workspaceId));
  const byId = new Set(here.map((w) => w.id));
  const missingWorkflows: ImportReport['missingWorkflows'] = [];
  for (const { action } of callSteps(actions)) {
    if (byId.has(action.workflowId)) continue;
    const name = q.references.find((r) => r.id === action.workflowId)?.name ?? null;
    const same = name ? here.filter((w) => w.name === name) : [];
    if (same.length === 1) action.workflowId = same[0]!.id;
    else missingWorkflows.push({ actionId: action.id, stepLabel: action.name ?? action.id, workflowName: name });
  }
  const objects = objectReferences({ trigger: q.trigger, actions });
  const present = objects.length
    ? new Set(
        (
          await db
            .selectDistinct({ object: records.object })
            .from(records)
            .where(and(eq(records.workspaceId, q.workspaceId), inArray(records.object, objects)))
        ).map((r) => r.object),
      )
    : new Set<string>();
  // Only the secrets this workspace lacks: one already set here needs nothing.
  const known = await secretNames(db, q.workspaceId);
  return {
    actions,
    report: {
      missingSecrets: secretReferences({ trigger: q.trigger, actions }).filter((s) => !known.has(s)),
      missingObjects: objects.filter((o) => !present.has(o)),
      missingWorkflows,
    },
  };
}
