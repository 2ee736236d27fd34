import { and, desc, eq, sql } from 'drizzle-orm';
import { actionLabel } from '../actions/meta';
import type { Causation, WorkflowAction } from '../definition';
import { walkActions } from '../definition/walk';
import { events, executionSteps, failureAlertSettings, failureAlertState, workflowExecutions, workflows, workflowVersions } from '../db/schema';
import type { Db, DbOrTx } from '../db/client';
import { adminEmails } from './approvals';
import type { StoredEvent } from './events';
import { isUuid } from './ids';
import type { RunFailedPayload } from '../triggers/run_failed/meta';

// What a failed run sets off: a run.failed event in the outbox (run_failed triggers; the dispatcher
// matches it) and a count in the workspace failure alert's digest state (the sweeper mails it). Both
// are written in the transaction that marks the run failed, so neither is lost.

/** At most one digest per workflow per this long. */
export const DIGEST_INTERVAL_MS = 15 * 60 * 1000;
/** Runs a digest links to; the count covers the rest. */
const DIGEST_MAX_LINKS = 20;

/**
 * Called in the transaction that ended the run failed (only when this call ended it). Test runs set
 * off nothing; a run_failed workflow's own failure writes no event (no alert loop), though it still
 * counts for the admins' digest.
 */
export async function recordRunFailure(
  tx: DbOrTx,
  q: { workspaceId: string; executionId: string; error: string | null; causation: Causation; at: Date },
): Promise<StoredEvent | null> {
  const [run] = await tx
    .select({
      workflowId: workflowExecutions.workflowId,
      isTest: workflowExecutions.isTest,
      versionId: workflowExecutions.versionId,
      name: workflows.name,
      draftTrigger: workflows.trigger,
      draftActions: workflows.actions,
      alerts: workflows.failureAlerts,
    })
    .from(workflowExecutions)
    .innerJoin(workflows, eq(workflows.id, workflowExecutions.workflowId))
    .where(and(eq(workflowExecutions.id, q.executionId), eq(workflowExecutions.workspaceId, q.workspaceId)));
  if (!run || run.isTest) return null;
  let trigger = run.draftTrigger;
  let actions: WorkflowAction[] = run.draftActions;
  if (run.versionId) {
    const [v] = await tx
      .select({ trigger: workflowVersions.trigger, actions: workflowVersions.actions })
      .from(workflowVersions)
      .where(eq(workflowVersions.id, run.versionId));
    if (v) ({ trigger, actions } = v);
  }
  const [failed] = await tx
    .select({ actionId: executionSteps.actionId, actionType: executionSteps.actionType })
    .from(executionSteps)
    .where(and(eq(executionSteps.executionId, q.executionId), eq(executionSteps.status, 'failed')))
    .orderBy(desc(executionSteps.seq))
    .limit(1);
  let step: RunFailedPayload['step'] = null;
  if (failed) {
    let name: string | undefined;
    walkActions(actions, (a) => {
      if (a.id === failed.actionId) name = a.name;
    });
    step = { id: failed.actionId, label: name || actionLabel(failed.actionType) };
  }
  if (run.alerts) await countForDigest(tx, { workspaceId: q.workspaceId, workflowId: run.workflowId, executionId: q.executionId, error: q.error, at: q.at });
  if (trigger.type === 'run_failed') return null;
  const payload: RunFailedPayload = {
    kind: 'run_failed',
    executionId: q.executionId,
    workflow: { id: run.workflowId, name: run.name },
    step,
    error: q.error ?? 'the run failed',
    failedAt: q.at.toISOString(),
  };
  const [event] = await tx
    .insert(events)
    .values({
      workspaceId: q.workspaceId,
      source: 'run',
      type: 'run.failed',
      workflowId: run.workflowId,
      payload,
      // The failed run is the cause: a chain of failures stops at the loop guard's depth.
      causation: { depth: q.causation.depth + 1, chain: [...q.causation.chain, q.executionId].slice(-50) },
      dedupeKey: `run.failed:${q.executionId}`,
    })
    .onConflictDoNothing()
    .returning();
  return event ?? null;
}

async function countForDigest(tx: DbOrTx, q: { workspaceId: string; workflowId: string; executionId: string; error: string | null; at: Date }): Promise<void> {
  const [settings] = await tx
    .select({ enabled: failureAlertSettings.enabled })
    .from(failureAlertSettings)
    .where(eq(failureAlertSettings.workspaceId, q.workspaceId));
  if (settings && !settings.enabled) return;
  const s = failureAlertState;
  const ids = sql`jsonb_build_array(${q.executionId}::text)`;
  await tx
    .insert(s)
    .values({
      workflowId: q.workflowId,
      workspaceId: q.workspaceId,
      pendingCount: 1,
      pendingExecutionIds: ids,
      firstFailedAt: q.at,
      lastError: q.error,
      nextSendAt: q.at,
    })
    .onConflictDoUpdate({
      target: s.workflowId,
      set: {
        pendingCount: sql`${s.pendingCount} + 1`,
        pendingExecutionIds: sql`case when jsonb_array_length(${s.pendingExecutionIds}) >= ${DIGEST_MAX_LINKS} then ${s.pendingExecutionIds} else ${s.pendingExecutionIds} || excluded.pending_execution_ids end`,
        firstFailedAt: sql`coalesce(${s.firstFailedAt}, excluded.first_failed_at)`,
        lastError: sql`excluded.last_error`,
        // The first failure after a quiet spell goes out at once; later ones wait for the interval.
        nextSendAt: sql`coalesce(${s.nextSendAt}, greatest(excluded.next_send_at, ${s.lastSentAt} + ${`${DIGEST_INTERVAL_MS} milliseconds`}::interval), excluded.next_send_at)`,
      },
    });
}

export type FailureDigest = {
  workspaceId: string;
  workflowId: string;
  workflowName: string;
  count: number;
  executionIds: string[];
  firstFailedAt: Date | null;
  lastError: string | null;
  recipients: string[];
  webhookUrl: string | null;
  /** Sealed; the sender opens it. */
  webhookSecret: string | null;
};

/** How long a claimed digest is its sweeper's to send; one that died mid-send leaves it to a later sweep. */
const DIGEST_LEASE_MS = 5 * 60 * 1000;

/**
 * Sends each due digest through `send`. A digest is claimed in a short transaction (a lease on its
 * row, SKIP LOCKED: several workers share the work) and sent after the commit: the mailer and the
 * alert webhook never run inside a transaction (on the embedded database a transaction holds its
 * only session, and the dev inbox writes through another). What was sent is then taken off the
 * row; failures counted meanwhile stay for the next digest. A failed send keeps everything and is
 * tried again after the interval, so a broken alert webhook neither spams the recipients nor holds
 * back other workflows' digests. Returns how many were sent.
 */
export async function sendDueFailureDigests(
  db: Db,
  now: Date,
  send: (d: FailureDigest) => Promise<void>,
  opts: { limit?: number; onFailed?: (d: FailureDigest, err: unknown) => void } = {},
): Promise<number> {
  const s = failureAlertState;
  const later = (ms: number) => new Date(now.getTime() + ms);
  let sent = 0;
  for (let i = 0; i < (opts.limit ?? 20); i++) {
    const claim = await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ state: s, workflowName: workflows.name, alerts: workflows.failureAlerts })
        .from(s)
        .innerJoin(workflows, eq(workflows.id, s.workflowId))
        .where(and(sql`${s.pendingCount} > 0`, sql`${s.nextSendAt} <= ${now.toISOString()}::timestamptz`))
        .orderBy(s.nextSendAt)
        .limit(1)
        .for('update', { of: s, skipLocked: true });
      if (!row) return null;
      const st = row.state;
      await tx
        .update(s)
        .set({ nextSendAt: later(DIGEST_LEASE_MS) })
        .where(eq(s.workflowId, st.workflowId));
      const [settings] = await tx.select().from(failureAlertSettings).where(eq(failureAlertSettings.workspaceId, st.workspaceId));
      // Turned off since these failures were counted: drop them without sending.
      if (!row.alerts || (settings && !settings.enabled)) return { st, digest: null };
      const digest: FailureDigest = {
        workspaceId: st.workspaceId,
        workflowId: st.workflowId,
        workflowName: row.workflowName,
        count: st.pendingCount,
        executionIds: st.pendingExecutionIds,
        firstFailedAt: st.firstFailedAt,
        lastError: st.lastError,
        recipients: settings?.recipients ?? (await adminEmails(tx, st.workspaceId)),
        webhookUrl: settings?.webhookUrl ?? null,
        webhookSecret: settings?.webhookSecret ?? null,
      };
      return { st, digest };
    });
    if (!claim) break;
    const { st, digest } = claim;
    if (digest) {
      try {
        await send(digest);
        sent++;
      } catch (err) {
        await db
          .update(s)
          .set({ nextSendAt: later(DIGEST_INTERVAL_MS) })
          .where(eq(s.workflowId, st.workflowId));
        opts.onFailed?.(digest, err);
        continue;
      }
    }
    const left = sql`${s.pendingCount} > ${st.pendingCount}`;
    await db
      .update(s)
      .set({
        pendingCount: sql`greatest(${s.pendingCount} - ${st.pendingCount}, 0)`,
        pendingExecutionIds: sql`(select coalesce(jsonb_agg(e.id order by e.n), '[]'::jsonb) from jsonb_array_elements_text(${s.pendingExecutionIds}) with ordinality as e(id, n) where e.id not in (select jsonb_array_elements_text(${JSON.stringify(st.pendingExecutionIds)}::jsonb)))`,
        // The next digest reads "since the last alert".
        firstFailedAt: null,
        lastError: sql`case when ${left} then ${s.lastError} end`,
        lastSentAt: now,
        nextSendAt: sql`case when ${left} then ${later(DIGEST_INTERVAL_MS).toISOString()}::timestamptz end`,
      })
      .where(eq(s.workflowId, st.workflowId));
  }
  return sent;
}

export type FailureAlertSettings = {
  enabled: boolean;
  recipients: string[] | null;
  webhookUrl: string | null;
  webhookSigned: boolean;
  mutedWorkflowIds: string[];
};

export async function getFailureAlertSettings(db: DbOrTx, workspaceId: string): Promise<FailureAlertSettings> {
  const [row] = await db.select().from(failureAlertSettings).where(eq(failureAlertSettings.workspaceId, workspaceId));
  const muted = await db
    .select({ id: workflows.id })
    .from(workflows)
    .where(and(eq(workflows.workspaceId, workspaceId), eq(workflows.failureAlerts, false)));
  return {
    enabled: row?.enabled ?? true,
    recipients: row?.recipients ?? null,
    webhookUrl: row?.webhookUrl ?? null,
    webhookSigned: !!row?.webhookSecret,
    mutedWorkflowIds: muted.map((m) => m.id),
  };
}

/** Changes the workspace's alert; a new webhook URL gets a new sealed signing secret (returned once, in clear). */
export async function updateFailureAlertSettings(
  db: DbOrTx,
  workspaceId: string,
  patch: { enabled?: boolean; recipients?: string[] | null; webhookUrl?: string | null },
  newSecret: () => { plain: string; sealed: string },
): Promise<{ settings: FailureAlertSettings; secret: string | null }> {
  const [current] = await db.select().from(failureAlertSettings).where(eq(failureAlertSettings.workspaceId, workspaceId));
  let secret: string | null = null;
  let sealed = current?.webhookSecret ?? null;
  const url = patch.webhookUrl === undefined ? (current?.webhookUrl ?? null) : patch.webhookUrl;
  if (url && (url !== current?.webhookUrl || !sealed)) {
    const s = newSecret();
    secret = s.plain;
    sealed = s.sealed;
  }
  if (!url) sealed = null;
  const values = {
    workspaceId,
    enabled: patch.enabled ?? current?.enabled ?? true,
    recipients: patch.recipients === undefined ? (current?.recipients ?? null) : (patch.recipients?.map((r) => r.toLowerCase()) ?? null),
    webhookUrl: url,
    webhookSecret: sealed,
    updatedAt: new Date(),
  };
  await db.insert(failureAlertSettings).values(values).onConflictDoUpdate({ target: failureAlertSettings.workspaceId, set: values });
  return { settings: await getFailureAlertSettings(db, workspaceId), secret };
}

/** The audit log's line for a change of the failure alert: what changed, never the webhook's path or secret. */
export function failureAlertChanges(before: FailureAlertSettings, after: FailureAlertSettings, newSecret: boolean): string | null {
  const parts: string[] = [];
  if (before.enabled !== after.enabled) parts.push(after.enabled ? 'turned on' : 'turned off');
  if (JSON.stringify(before.recipients) !== JSON.stringify(after.recipients))
    parts.push(after.recipients === null ? 'recipients: every admin' : `recipients: ${after.recipients.join(', ') || 'nobody'}`);
  if (before.webhookUrl !== after.webhookUrl) parts.push(after.webhookUrl ? `webhook set to ${new URL(after.webhookUrl).host}` : 'webhook removed');
  else if (newSecret) parts.push('new webhook signing secret');
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The per-workflow switch: false leaves this workflow's failures out of the alert. The workflow, or null when there is none. */
export async function setWorkflowFailureAlerts(
  db: DbOrTx,
  q: { workspaceId: string; id: string; on: boolean },
): Promise<{ id: string; name: string; was: boolean } | null> {
  if (!isUuid(q.id)) return null;
  const [before] = await db
    .select({ id: workflows.id, name: workflows.name, was: workflows.failureAlerts })
    .from(workflows)
    .where(and(eq(workflows.id, q.id), eq(workflows.workspaceId, q.workspaceId)));
  if (!before) return null;
  await db.update(workflows).set({ failureAlerts: q.on }).where(eq(workflows.id, before.id));
  return before;
}
