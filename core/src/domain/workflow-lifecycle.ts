import type { SecretBox } from '../crypto';
import type { Logger } from '../logging';
import type { Db } from '../db/client';
import type { SecretKind } from '../db/schema';
import { checkDraft, draftInput, InvalidInputError, type DraftFields } from './drafts';
import {
  activateWorkflow,
  createWorkflow,
  deactivateWorkflow,
  deleteWorkflow,
  getVersion,
  getWorkflow,
  putWorkflowSecret,
  reactivateWorkflow,
  saveDraft,
  workflowSecretKinds,
  type WorkflowRow,
  type WorkflowVersionRow,
} from './workflows';
import { checkSecretsExist } from './secrets';
import { checkCallTargets } from './workflow-calls';
import { companyInWorkspace, defaultCompanyId, type WorkspaceRow } from './workspaces';
import { audit, definitionDiff, type AuditContext } from './audit';
import { diffDefinitions } from '../definition/diff';

/**
 * What a workflow change sets in motion outside the database, injected: the API wires Temporal's
 * schedule sync and the ingress's hook cache, tests a recording fake (core imports no other workspace).
 */
export type WorkflowLifecycleDeps = {
  db: Db;
  /** Seals a new secret before it is stored; plaintext never reaches the database. */
  secrets: Pick<SecretBox, 'seal'>;
  /** A fresh webhook secret (returned to the caller once). */
  newSecret: () => string;
  /** The workflow's Temporal Schedule follows the database; absent where Temporal is not wired. */
  schedules?: { sync(workflowId: string): Promise<unknown>; remove(workflowId: string): Promise<unknown> } | undefined;
  /** The ingress's hook cache: dropped on every change to what a hook id answers. */
  hooks?: { invalidate(hookId: string): void } | undefined;
  log?: Logger | undefined;
  /** updated_at of changed workflows (default: the system clock). */
  now?: () => Date;
};

type Scope = { workspaceId: string; id: string };
/**
 * Who asked for a change: given, the change's audit entry is written in the same transaction as the
 * change (absent only for internal callers that are not a person's or key's act).
 */
type Audited = { audit?: AuditContext | undefined };
const wfTarget = (w: Pick<WorkflowRow, 'id' | 'name'>) => ({ type: 'workflow', id: w.id, name: w.name });
/** `ok`/`failed`: the schedule was (not) synced; undefined when the workflow has nothing to do with schedules. */
export type ScheduleSyncOutcome = 'ok' | 'failed' | undefined;

/**
 * Turning a workflow on when its draft differs from its published version is ambiguous: the caller
 * names which one runs. The API answers 409 with this code and message.
 */
export class VersionChoiceError extends Error {
  constructor(
    readonly code: 'choice_required' | 'no_published_version',
    message: string,
  ) {
    super(message);
    this.name = 'VersionChoiceError';
  }
}
/** Which version a workflow turned on runs: the draft (published as a new version) or the one published last. */
export type VersionChoice = 'draft' | 'live';

/** The draft against the version published last: null when nothing was ever published. */
export async function draftAgainstLive(db: Db, w: WorkflowRow): Promise<{ live: WorkflowVersionRow; changed: boolean } | null> {
  const live = w.activeVersionId ? await getVersion(db, { workspaceId: w.workspaceId, id: w.activeVersionId }) : null;
  return live ? { live, changed: diffDefinitions(live, w).length > 0 } : null;
}

export type ActivateResult = {
  workflow: WorkflowRow;
  version: WorkflowVersionRow;
  /** False when nothing new was published: the version published last runs (or the draft had no change). */
  published: boolean;
  /** The inbound webhook secret, when this activation created it (shown once). */
  secret?: string;
  scheduleSync?: 'ok' | 'failed';
};

export type WorkflowLifecycle = ReturnType<typeof createWorkflowLifecycle>;

/**
 * Every change of a workflow's state, with its side effects in one place: a new version on
 * activation, the inbound secret a signed or header-secret hook needs, the hook cache, the Temporal
 * Schedule. Null means no such workflow in the workspace; refused input throws InvalidInputError.
 */
export function createWorkflowLifecycle(deps: WorkflowLifecycleDeps) {
  const { db } = deps;
  const now = () => deps.now?.() ?? new Date();

  const dropHook = (hookId: string | null) => {
    if (hookId) deps.hooks?.invalidate(hookId);
  };

  /** Schedules follow the database; a Temporal hiccup is reported, and start-up reconcile heals it. */
  async function syncSchedule(w: WorkflowRow, wasSchedule: boolean): Promise<ScheduleSyncOutcome> {
    if (!deps.schedules || (w.trigger.type !== 'schedule' && !wasSchedule)) return undefined;
    try {
      await deps.schedules.sync(w.id);
      return 'ok';
    } catch (err) {
      deps.log?.error('schedule sync failed', { workflowId: w.id, error: err instanceof Error ? err.message : String(err) });
      return 'failed';
    }
  }

  /** The version published last runs again, as it is. */
  async function turnOn(current: WorkflowRow, live: WorkflowVersionRow, q: Scope & Audited): Promise<ActivateResult | null> {
    const w = await db.transaction(async (tx) => {
      const w = await reactivateWorkflow(tx, { workspaceId: q.workspaceId, id: current.id, at: now() });
      if (w && !current.isActive && q.audit)
        await audit(tx, q.audit, {
          workspaceId: q.workspaceId,
          action: 'workflow.activated',
          target: wfTarget(w),
          summary: `activated version ${live.version}`,
        });
      return w;
    });
    if (!w) return null;
    dropHook(w.hookId);
    const scheduleSync = await syncSchedule(w, w.activeTriggerType === 'schedule');
    return { workflow: w, version: live, published: false, ...(scheduleSync ? { scheduleSync } : {}) };
  }

  /** The draft as the next immutable version, made the active one; a webhook with auth gets its inbound secret on first publish. */
  async function publishDraft(current: WorkflowRow, q: Scope & { publishedBy: string | null } & Audited): Promise<ActivateResult | null> {
    const draft = checkDraft(current);
    await checkSecretsExist(db, q.workspaceId, draft.actions);
    const callIssues = await checkCallTargets(db, { workspaceId: q.workspaceId, workflowId: current.id, actions: draft.actions });
    if (callIssues.length > 0) throw new InvalidInputError(callIssues, 'invalid_call');
    const tx = await db.transaction(async (tx) => {
      const done = await activateWorkflow(tx, { workspaceId: q.workspaceId, id: current.id, publishedBy: q.publishedBy, draft, at: now() });
      if (!done) return null;
      let secret: string | undefined;
      if (draft.trigger.type === 'webhook' && draft.trigger.auth.mode !== 'none') {
        const kinds = await workflowSecretKinds(tx, { workspaceId: q.workspaceId, workflowIds: [current.id] });
        if (!kinds.get(current.id)?.includes('webhook_inbound')) {
          secret = deps.newSecret();
          await putWorkflowSecret(tx, { workspaceId: q.workspaceId, workflowId: current.id, kind: 'webhook_inbound', ciphertext: deps.secrets.seal(secret) });
        }
      }
      if (q.audit) {
        const target = wfTarget(done.workflow);
        await audit(tx, q.audit, { workspaceId: q.workspaceId, action: 'workflow.published', target, summary: `published version ${done.version.version}` });
        if (!current.isActive)
          await audit(tx, q.audit, {
            workspaceId: q.workspaceId,
            action: 'workflow.activated',
            target,
            summary: `activated version ${done.version.version}`,
          });
      }
      return { done, secret };
    });
    if (!tx) return null;
    const { done, secret } = tx;
    dropHook(done.workflow.hookId);
    const scheduleSync = await syncSchedule(done.workflow, current.activeTriggerType === 'schedule');
    return { ...done, published: true, ...(secret ? { secret } : {}), ...(scheduleSync ? { scheduleSync } : {}) };
  }

  return {
    /** A new inactive draft, in the given company or the workspace's default one. */
    async create(
      q: {
        workspace: Pick<WorkspaceRow, 'id' | 'name'>;
        fields: DraftFields;
        companyId?: string | undefined;
        createdBy: string | null;
        /** `import`: recorded as workflow.imported (from an exported file) instead of workflow.created. */
        origin?: 'import' | undefined;
      } & Audited,
    ): Promise<WorkflowRow> {
      const draft = checkDraft(draftInput(q.fields, { actions: [] }));
      if (q.companyId && !(await companyInWorkspace(db, q.workspace.id, q.companyId)))
        throw new InvalidInputError([{ code: 'invalid', message: 'companyId: no such company in this workspace', path: 'companyId' }]);
      const companyId = q.companyId ?? (await defaultCompanyId(db, q.workspace));
      return db.transaction(async (tx) => {
        const w = await createWorkflow(tx, { ...draft, workspaceId: q.workspace.id, companyId, createdBy: q.createdBy });
        if (q.audit)
          await audit(tx, q.audit, {
            workspaceId: w.workspaceId,
            action: q.origin === 'import' ? 'workflow.imported' : 'workflow.created',
            target: wfTarget(w),
            summary: `${q.origin === 'import' ? 'imported from a file' : 'created'} with a ${w.trigger.type} trigger and ${w.actions.length} action(s)`,
          });
        return w;
      });
    },

    /** Saves the draft, validated in full; fields left out keep their value. What runs is unchanged until the next activation. */
    async updateDraft(q: Scope & { fields: DraftFields } & Audited): Promise<WorkflowRow | null> {
      const current = await getWorkflow(db, q);
      if (!current) return null;
      const draft = checkDraft(draftInput(q.fields, current));
      return db.transaction(async (tx) => {
        const w = await saveDraft(tx, { workspaceId: q.workspaceId, id: current.id, draft, at: now() });
        if (w && q.audit)
          await audit(tx, q.audit, { workspaceId: w.workspaceId, action: 'workflow.updated', target: wfTarget(w), summary: definitionDiff(current, w) });
        return w;
      });
    },

    /**
     * Turns the workflow on. Never published: the draft is published as version 1. Draft equal to the
     * version published last: that version runs again, nothing is published. Otherwise the caller
     * chooses (VersionChoiceError without a choice): `draft` publishes it as the next version,
     * `live` runs the version published last as it is.
     */
    async activate(q: Scope & { publishedBy: string | null; choice?: VersionChoice | undefined } & Audited): Promise<ActivateResult | null> {
      const current = await getWorkflow(db, q);
      if (!current) return null;
      const state = await draftAgainstLive(db, current);
      if (q.choice === 'live' && !state)
        throw new VersionChoiceError(
          'no_published_version',
          'this workflow was never published, so only its draft can run: send { "version": "draft" } or none',
        );
      if (state?.changed && !q.choice)
        throw new VersionChoiceError(
          'choice_required',
          `the draft has unpublished changes; choose which version runs: { "version": "draft" } publishes the draft as version ${state.live.version + 1} and runs it, { "version": "live" } runs version ${state.live.version} as published`,
        );
      if (state && (q.choice === 'live' || !state.changed)) return turnOn(current, state.live, q);
      return publishDraft(current, q);
    },

    /**
     * Publishes the draft as the next version and turns the workflow on. A draft equal to the version
     * published last publishes nothing and changes nothing (`published: false`).
     */
    async publish(q: Scope & { publishedBy: string | null } & Audited): Promise<ActivateResult | null> {
      const current = await getWorkflow(db, q);
      if (!current) return null;
      const state = await draftAgainstLive(db, current);
      if (state && !state.changed) return { workflow: current, version: state.live, published: false };
      return publishDraft(current, q);
    },

    /** Stops triggering runs (running runs continue); the version stays for the next activation. */
    async deactivate(q: Scope & Audited): Promise<WorkflowRow | null> {
      const w = await db.transaction(async (tx) => {
        const before = await getWorkflow(tx, q);
        const w = await deactivateWorkflow(tx, { workspaceId: q.workspaceId, id: q.id, at: now() });
        if (w && before?.isActive && q.audit)
          await audit(tx, q.audit, { workspaceId: q.workspaceId, action: 'workflow.deactivated', target: wfTarget(w), summary: 'deactivated' });
        return w;
      });
      if (!w) return null;
      dropHook(w.hookId);
      await syncSchedule(w, w.activeTriggerType === 'schedule');
      return w;
    },

    /** Deletes the workflow with its versions, secrets and runs, and its schedule. */
    async delete(q: Scope & Audited): Promise<WorkflowRow | null> {
      const w = await db.transaction(async (tx) => {
        const w = await deleteWorkflow(tx, { workspaceId: q.workspaceId, id: q.id });
        if (w && q.audit)
          await audit(tx, q.audit, {
            workspaceId: q.workspaceId,
            action: 'workflow.deleted',
            target: wfTarget(w),
            summary: 'deleted with its versions and runs',
          });
        return w;
      });
      if (!w) return null;
      dropHook(w.hookId);
      if (deps.schedules && (w.trigger.type === 'schedule' || w.activeTriggerType === 'schedule'))
        await deps.schedules.remove(w.id).catch((err: unknown) => deps.log?.error('schedule remove failed', { workflowId: w.id, error: String(err) }));
      return w;
    },

    /**
     * A new secret of the kind (inbound auth, or signing of outgoing webhooks), stored sealed and
     * returned once. Takes the workflow as loaded, so the caller decides what a missing one answers.
     */
    async rotateSecret(q: { workflow: Pick<WorkflowRow, 'id' | 'workspaceId' | 'hookId' | 'name'>; kind: SecretKind } & Audited): Promise<string> {
      const secret = deps.newSecret();
      await db.transaction(async (tx) => {
        await putWorkflowSecret(tx, { workspaceId: q.workflow.workspaceId, workflowId: q.workflow.id, kind: q.kind, ciphertext: deps.secrets.seal(secret) });
        if (q.audit)
          await audit(tx, q.audit, {
            workspaceId: q.workflow.workspaceId,
            action: 'webhook_secret.rotated',
            target: wfTarget(q.workflow),
            // Which secret, never its value.
            summary: q.kind === 'webhook_signing' ? 'signing secret of outgoing webhooks rotated' : 'inbound webhook secret rotated',
          });
      });
      dropHook(q.workflow.hookId);
      return secret;
    },
  };
}
