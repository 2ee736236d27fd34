import type { ApiKeyDto, DevMailDto, EventDto, ExecutionDto, RecordDto, StepDto, VersionDto, WorkflowDto } from '@conduit/core/api';
import type {
  ApiKeyInfo,
  DevMailRow,
  EventSummary,
  ExecutionListItem,
  ExecutionStepRow as StepRow,
  RecordRow,
  SecretKind,
  StoredEvent,
  WorkflowRow,
  WorkflowVersionRow,
} from '@conduit/core/domain';
import { nextFireTimes } from '../schedules/fire-times';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** Rows → response bodies. Secrets never appear: only which kinds exist. */
export function workflowDto(w: WorkflowRow, secrets: SecretKind[] = [], now = new Date()): WorkflowDto {
  const dto: WorkflowDto = {
    id: w.id,
    name: w.name,
    description: w.description,
    companyId: w.companyId,
    isActive: w.isActive,
    trigger: w.trigger,
    actions: w.actions,
    activeVersionId: w.activeVersionId,
    hookId: w.hookId,
    hookPath: w.hookId ? `/hooks/${w.hookId}` : null,
    secrets,
    hasSecret: secrets.includes('webhook_inbound'),
    createdBy: w.createdBy,
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
  };
  if (w.trigger.type === 'schedule') {
    try {
      dto.nextFireTimes = nextFireTimes(w.trigger.cron, w.trigger.timezone, 5, now).map(iso);
    } catch {
      dto.nextFireTimes = [];
    }
  }
  return dto;
}

export const versionDto = (v: WorkflowVersionRow): VersionDto => ({
  id: v.id,
  workflowId: v.workflowId,
  version: v.version,
  name: v.name,
  trigger: v.trigger,
  actions: v.actions,
  publishedBy: v.publishedBy,
  publishedAt: iso(v.publishedAt),
});

const stepDto = (s: StepRow): StepDto => ({
  id: s.id,
  actionId: s.actionId,
  actionType: s.actionType,
  path: s.path,
  seq: s.seq,
  status: s.status,
  input: s.input,
  output: s.output,
  error: s.error,
  attempts: s.attempts,
  startedAt: isoOrNull(s.startedAt),
  completedAt: isoOrNull(s.completedAt),
});

export function executionDto(e: ExecutionListItem & { steps?: StepRow[] }): ExecutionDto {
  return {
    id: e.id,
    workflowId: e.workflowId,
    workflowName: e.workflowName,
    status: e.status,
    input: e.input,
    output: e.output,
    error: e.error,
    startedAt: isoOrNull(e.startedAt),
    completedAt: isoOrNull(e.completedAt),
    createdAt: iso(e.createdAt),
    versionId: e.versionId,
    version: e.version,
    eventId: e.eventId,
    recordId: e.recordId,
    temporalWorkflowId: e.temporalWorkflowId,
    retryOf: e.retryOf,
    isTest: e.isTest,
    dryRun: e.dryRun,
    ...(e.steps ? { steps: e.steps.map(stepDto) } : {}),
  };
}

export function eventDto(e: EventSummary | StoredEvent): EventDto {
  return {
    id: e.id,
    source: e.source,
    type: e.type,
    object: e.object,
    recordId: e.recordId,
    workflowId: e.workflowId,
    ...('workflowName' in e ? { workflowName: e.workflowName, hookId: e.hookId } : {}),
    ...('payload' in e ? { payload: e.payload } : {}),
    causation: e.causation,
    dedupeKey: e.dedupeKey,
    status: e.status,
    outcome: e.outcome,
    attempts: e.attempts,
    receivedAt: iso(e.receivedAt),
    dispatchedAt: isoOrNull(e.dispatchedAt),
  };
}

export const recordDto = (r: RecordRow): RecordDto => ({
  id: r.id,
  object: r.object,
  companyId: r.companyId,
  data: r.data,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export const apiKeyDto = (k: ApiKeyInfo & { createdByName?: string | null }): ApiKeyDto => ({
  id: k.id,
  ...(k.createdByName !== undefined ? { createdByName: k.createdByName } : {}),
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  createdBy: k.createdBy,
  createdAt: iso(k.createdAt),
  expiresAt: isoOrNull(k.expiresAt),
  revokedAt: isoOrNull(k.revokedAt),
  lastUsedAt: isoOrNull(k.lastUsedAt),
});

export const devMailDto = (m: DevMailRow): DevMailDto => ({
  id: m.id,
  executionId: m.executionId,
  messageId: m.messageId,
  from: m.from,
  to: m.to,
  cc: m.cc,
  bcc: m.bcc,
  subject: m.subject,
  text: m.text,
  html: m.html,
  createdAt: iso(m.createdAt),
});
