import { describeIssues, manualPayload, ROOT_CAUSATION, TriggerPayloadSchema, type ManualTrigger } from '@conduit/core/definition';
import type { Db } from '@conduit/core/db';
import { getPublishedWorkflow, getRecord, type Role } from '@conduit/core/domain';
import { conflict, forbidden, invalid, notFound, runStartError } from '../http/errors';
import { RunQuotaError } from '@conduit/core/run-quota';
import type { RunStarter } from '@conduit/core/run-starter';

export type ManualRunRequest = {
  workspaceId: string;
  workflowId: string;
  role: Role;
  /** The person starting it (their email goes into the payload), null for an API key. */
  startedBy: string | null;
  recordId?: string | undefined;
  payload?: unknown;
  now: Date;
};

/**
 * Starts a manual run of a workflow's published version: who may (admins; members when the
 * trigger allows them), the record loaded here in the caller's workspace (never taken from the
 * caller), then the ordinary durable start (execution row first, Temporal id derived from it).
 */
export async function startManualRun(
  deps: { db: Db; runs: RunStarter; log?: { error(m: string, f?: Record<string, unknown>): void } | undefined },
  r: ManualRunRequest,
) {
  const found = await getPublishedWorkflow(deps.db, { workspaceId: r.workspaceId, id: r.workflowId });
  if (!found) throw notFound('workflow');
  const { workflow, version } = found;
  if (!workflow.isActive || !version) throw conflict(`"${workflow.name}" is not active; publish it before running it`);
  if (version.trigger.type !== 'manual') throw conflict(`"${workflow.name}" does not start manually; its published trigger must be Manual to use Run now`);
  const trigger: ManualTrigger = version.trigger;
  if (r.role !== 'admin' && !trigger.allowMembers)
    throw forbidden(`only workspace admins can run "${workflow.name}"; an admin can allow members in its trigger`);
  let record: { id: string; data: Record<string, unknown> } | null = null;
  if (trigger.object) {
    if (!r.recordId) throw invalid([{ code: 'invalid', message: `recordId: "${workflow.name}" runs on a ${trigger.object}; choose one`, path: 'recordId' }]);
    const row = await getRecord(deps.db, { workspaceId: r.workspaceId, object: trigger.object, id: r.recordId });
    if (!row) throw notFound('record');
    record = { id: row.id, data: row.data };
  } else if (r.recordId) {
    throw invalid([{ code: 'invalid', message: `recordId: "${workflow.name}" does not run on records`, path: 'recordId' }]);
  }
  const parsed = TriggerPayloadSchema.safeParse(
    manualPayload({ object: trigger.object ?? null, record, payload: r.payload, startedBy: r.startedBy, startedAt: r.now.toISOString() }),
  );
  if (!parsed.success) throw invalid(describeIssues(parsed.error, ['payload']));
  try {
    return await deps.runs.start({
      workspaceId: r.workspaceId,
      workflowId: workflow.id,
      versionId: version.id,
      definition: { trigger: version.trigger, actions: version.actions },
      trigger: parsed.data,
      eventId: null,
      causation: ROOT_CAUSATION,
      recordId: record?.id ?? null,
    });
  } catch (err) {
    if (!(err instanceof RunQuotaError))
      deps.log?.error('manual run start failed', { workflowId: workflow.id, error: err instanceof Error ? err.message : String(err) });
    throw runStartError(err, 'the run could not be started (Temporal unreachable); try again');
  }
}
