import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { WorkflowAction, WorkflowTrigger } from '../definition';
import { workflowExecutions, workflowSecrets, workflowVersions, workflows, type SecretKind } from '../db/schema';
import type { Db, DbOrTx } from '../db/client';
import { isUuid } from './ids';

export type WorkflowRow = typeof workflows.$inferSelect;
export type WorkflowVersionRow = typeof workflowVersions.$inferSelect;
export type Draft = { name: string; description?: string | null | undefined; trigger: WorkflowTrigger; actions: WorkflowAction[] };
type Scope = { workspaceId: string; id: string };
/** `at`: the change's time for updated_at (the caller's clock); now when left out. */
type At = { at?: Date | undefined };

/** An unguessable hook id: 24 random bytes, base64url (192 bits). */
export const newHookId = (): string => randomBytes(24).toString('base64url');

export async function listWorkflows(db: DbOrTx, workspaceId: string): Promise<WorkflowRow[]> {
  return db.select().from(workflows).where(eq(workflows.workspaceId, workspaceId)).orderBy(desc(workflows.createdAt), desc(workflows.id));
}

export async function getWorkflow(db: DbOrTx, q: Scope): Promise<WorkflowRow | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)));
  return row ?? null;
}

/** New workflows are inactive drafts. */
export async function createWorkflow(db: DbOrTx, input: Draft & { workspaceId: string; companyId: string; createdBy: string | null }): Promise<WorkflowRow> {
  const [row] = await db
    .insert(workflows)
    .values({
      workspaceId: input.workspaceId,
      companyId: input.companyId,
      createdBy: input.createdBy,
      name: input.name,
      description: input.description ?? null,
      trigger: input.trigger,
      actions: input.actions,
    })
    .returning();
  if (!row) throw new Error('workflow insert returned nothing');
  return row;
}

/** Saves the draft; the active version (what runs) is unchanged until the next activate. */
export async function saveDraft(db: DbOrTx, q: Scope & At & { draft: Draft }): Promise<WorkflowRow | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .update(workflows)
    .set({ name: q.draft.name, description: q.draft.description ?? null, trigger: q.draft.trigger, actions: q.draft.actions, updatedAt: q.at ?? new Date() })
    .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)))
    .returning();
  return row ?? null;
}

/**
 * Deleting a workflow with runs not yet ended would delete their rows while Temporal runs on: a run
 * nobody can see or cancel, whose next step writes fail. The API answers 409 with this message.
 */
export class WorkflowRunsOpenError extends Error {
  readonly code = 'runs_in_progress';
  constructor(name: string, open: number) {
    const them = open === 1 ? 'it' : 'them';
    super(
      `“${name}” has ${open === 1 ? 'a run' : `${open} runs`} in progress: cancel ${them} under Workflow runs, or wait for ${them} to end, then delete the workflow.`,
    );
    this.name = 'WorkflowRunsOpenError';
  }
}

/**
 * Deletes the workflow with its versions, secrets and runs (cascade), refusing while any run of it
 * is queued, pending or running. In a transaction: the row lock keeps a run from being created
 * between the count and the delete (its insert waits on the lock, then finds no workflow).
 */
export async function deleteWorkflow(tx: DbOrTx, q: Scope): Promise<WorkflowRow | null> {
  if (!isUuid(q.id)) return null;
  const [locked] = await tx
    .select({ name: workflows.name })
    .from(workflows)
    .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)))
    .for('update');
  if (!locked) return null;
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.workflowId, q.id), inArray(workflowExecutions.status, ['queued', 'pending', 'running'])));
  if (open && open.n > 0) throw new WorkflowRunsOpenError(locked.name, open.n);
  const [row] = await tx
    .delete(workflows)
    .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)))
    .returning();
  return row ?? null;
}

/**
 * Publishes the draft as the next immutable version and makes it the active one, in one
 * transaction. Webhook workflows keep their hook id across versions (the URL stays the same).
 */
export async function activateWorkflow(
  db: Db,
  q: Scope & At & { publishedBy: string | null; draft: Draft },
): Promise<{ workflow: WorkflowRow; version: WorkflowVersionRow } | null> {
  if (!isUuid(q.id)) return null;
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(workflows)
      .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)))
      .for('update');
    if (!current) return null;
    const [last] = await tx
      .select({ n: max(workflowVersions.version) })
      .from(workflowVersions)
      .where(eq(workflowVersions.workflowId, current.id));
    const [version] = await tx
      .insert(workflowVersions)
      .values({
        workflowId: current.id,
        workspaceId: current.workspaceId,
        version: (last?.n ?? 0) + 1,
        name: q.draft.name,
        trigger: q.draft.trigger,
        actions: q.draft.actions,
        publishedBy: q.publishedBy,
      })
      .returning();
    if (!version) throw new Error('version insert returned nothing');
    const trigger = q.draft.trigger;
    const [workflow] = await tx
      .update(workflows)
      .set({
        isActive: true,
        activeVersionId: version.id,
        activeTriggerType: trigger.type,
        // run_failed: the one workflow it watches, matched like an object (null: every workflow).
        activeTriggerObject: ('object' in trigger ? trigger.object : trigger.type === 'run_failed' ? trigger.workflowId : null) ?? null,
        hookId: trigger.type === 'webhook' ? (current.hookId ?? newHookId()) : current.hookId,
        updatedAt: q.at ?? new Date(),
      })
      .where(eq(workflows.id, current.id))
      .returning();
    if (!workflow) throw new Error('workflow update returned nothing');
    return { workflow, version };
  });
}

/** Turns runs back on with the version published last, as it is (nothing is published). */
export async function reactivateWorkflow(db: DbOrTx, q: Scope & At): Promise<WorkflowRow | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .update(workflows)
    .set({ isActive: true, updatedAt: q.at ?? new Date() })
    .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)))
    .returning();
  return row ?? null;
}

/** The published version of each workflow (kept while it is off), keyed by workflow id. */
export async function liveVersions(db: DbOrTx, q: { workspaceId: string; versionIds: string[] }): Promise<Map<string, WorkflowVersionRow>> {
  const ids = q.versionIds.filter(isUuid);
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workspaceId, q.workspaceId), inArray(workflowVersions.id, ids)));
  return new Map(rows.map((v) => [v.workflowId, v]));
}

export async function deactivateWorkflow(db: DbOrTx, q: Scope & At): Promise<WorkflowRow | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .update(workflows)
    .set({ isActive: false, updatedAt: q.at ?? new Date() })
    .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)))
    .returning();
  return row ?? null;
}

export async function listVersions(db: DbOrTx, q: { workspaceId: string; workflowId: string }): Promise<WorkflowVersionRow[]> {
  if (!isUuid(q.workflowId)) return [];
  return db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, q.workflowId), eq(workflowVersions.workspaceId, q.workspaceId)))
    .orderBy(desc(workflowVersions.version));
}

export async function getVersion(db: DbOrTx, q: { workspaceId: string; id: string }): Promise<WorkflowVersionRow | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.id, q.id), eq(workflowVersions.workspaceId, q.workspaceId)));
  return row ?? null;
}

/** Stores (replaces) a sealed secret of the workflow. The caller seals it; plaintext never reaches the db. */
export async function putWorkflowSecret(db: DbOrTx, q: { workspaceId: string; workflowId: string; kind: SecretKind; ciphertext: string }): Promise<void> {
  await db
    .insert(workflowSecrets)
    .values(q)
    .onConflictDoUpdate({ target: [workflowSecrets.workflowId, workflowSecrets.kind], set: { ciphertext: q.ciphertext, createdAt: sql`now()` } });
}

/** A workflow's sealed secret of one kind (the caller opens it); null when it has none. */
export async function workflowSecretCiphertext(db: DbOrTx, q: { workspaceId: string; workflowId: string; kind: SecretKind }): Promise<string | null> {
  const [row] = await db
    .select({ ciphertext: workflowSecrets.ciphertext })
    .from(workflowSecrets)
    .where(and(eq(workflowSecrets.workflowId, q.workflowId), eq(workflowSecrets.workspaceId, q.workspaceId), eq(workflowSecrets.kind, q.kind)));
  return row?.ciphertext ?? null;
}

/** Which secrets a workflow has (never their values). */
export async function workflowSecretKinds(db: DbOrTx, q: { workspaceId: string; workflowIds: string[] }): Promise<Map<string, SecretKind[]>> {
  const out = new Map<string, SecretKind[]>();
  if (q.workflowIds.length === 0) return out;
  const rows = await db
    .select({ workflowId: workflowSecrets.workflowId, kind: workflowSecrets.kind })
    .from(workflowSecrets)
    .where(eq(workflowSecrets.workspaceId, q.workspaceId));
  const wanted = new Set(q.workflowIds);
  for (const r of rows) if (wanted.has(r.workflowId)) out.set(r.workflowId, [...(out.get(r.workflowId) ?? []), r.kind]);
  return out;
}
