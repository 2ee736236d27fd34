import { sql } from 'drizzle-orm';
import { boolean, check, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type {
  Causation,
  ExecutionStatus,
  HookRefusalReason,
  Json,
  JsonObject,
  StepStatus,
  TriggerPayload,
  WorkflowAction,
  WorkflowTrigger,
} from '../definition';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const id = () => uuid('id').primaryKey().defaultRandom();

export const workspaces = pgTable(
  'workspaces',
  {
    id: id(),
    name: text('name').notNull(),
    slug: text('slug').notNull().unique(),
    createdAt: createdAt(),
    /** Finished runs (with their steps) and their events are pruned this many days after they end. */
    runRetentionDays: integer('run_retention_days').notNull().default(90),
    // Operator limits (docs/limits.md); null means no limit.
    /** Webhook events accepted per second (burst: twice this); beyond, 429 with Retry-After. */
    eventsPerSecond: integer('events_per_second').default(100),
    /** Event-driven runs beyond this many at once wait, queued, for a free slot. */
    maxConcurrentRuns: integer('max_concurrent_runs').default(100),
    /** Runs per calendar month (UTC); admins are mailed at 80 %, runs are refused at 100 %. */
    monthlyRunQuota: integer('monthly_run_quota').default(100_000),
    /** The month ("2026-12") whose 80 % warning was mailed, so it goes out once. */
    quotaWarnedMonth: text('quota_warned_month'),
  },
  (t) => [
    check('workspaces_run_retention_days_check', sql`${t.runRetentionDays} between 1 and 3650`),
    check('workspaces_limits_check', sql`${t.eventsPerSecond} > 0 and ${t.maxConcurrentRuns} > 0 and ${t.monthlyRunQuota} > 0`),
  ],
);

/** Runs counted per workspace and calendar month (UTC), for the monthly quota. */
export const workspaceUsage = pgTable(
  'workspace_usage',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** "2026-12" */
    month: text('month').notNull(),
    runs: integer('runs').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.month] })],
);

export const companies = pgTable(
  'companies',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('companies_workspace_idx').on(t.workspaceId)],
);

export const users = pgTable('users', {
  id: id(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  /** scrypt, as "scrypt$N$r$p$salt$hash". */
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
});

export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const sessions = pgTable('sessions', {
  /** SHA-256 of the session token; the token itself is only in the cookie. */
  id: text('id').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** What a person sees in their list of sessions: the browser's User-Agent and the address it signed in from. */
  userAgent: text('user_agent'),
  clientAddress: text('client_address'),
  /** Updated at most once a minute by the requests the session makes. */
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
});

export const apiKeys = pgTable('api_keys', {
  id: id(),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** First characters of the key, shown in lists so users can tell keys apart. */
  prefix: text('prefix').notNull(),
  /** SHA-256 of the key (keys are long random strings, so a fast hash is right). */
  keyHash: text('key_hash').notNull().unique(),
  role: text('role').$type<Role>().notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
});

export const records = pgTable(
  'records',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    object: text('object').notNull(),
    data: jsonb('data').$type<JsonObject>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('records_workspace_object_idx').on(t.workspaceId, t.object, t.createdAt),
    // find_records and upsert_record: equality on data fields is containment (data @> '{"f":…}'),
    // which a jsonb_path_ops GIN index answers (smaller and faster than the default jsonb_ops).
    index('records_data_path_idx').using('gin', t.data.op('jsonb_path_ops')),
  ],
);

/** The seed's table, columns kept exactly; the rest are additions. `trigger`/`actions` hold the draft. */
export const workflows = pgTable(
  'workflows',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description'),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    companyId: uuid('company_id')
      .notNull()
      .references(() => companies.id, { onDelete: 'cascade' }),
    isActive: boolean('is_active').notNull().default(false),
    trigger: jsonb('trigger').$type<WorkflowTrigger>().notNull(),
    actions: jsonb('actions').$type<WorkflowAction[]>().notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    updatedAt: timestamp('updated_at').notNull().defaultNow(),
    // Additions.
    /** The published version runs start on. */
    activeVersionId: uuid('active_version_id'),
    /** Copied from the active version so the dispatcher finds matches with an index, not a scan. */
    activeTriggerType: text('active_trigger_type'),
    activeTriggerObject: text('active_trigger_object'),
    /** Unguessable id in /hooks/:hookId. */
    hookId: text('hook_id').unique(),
    /** The workspace's failure alert (email digest, webhook) covers this workflow's failed runs. */
    failureAlerts: boolean('failure_alerts').notNull().default(true),
  },
  (t) => [
    index('workflows_workspace_idx').on(t.workspaceId, t.createdAt),
    index('workflows_dispatch_idx').on(t.workspaceId, t.activeTriggerType, t.activeTriggerObject).where(sql`${t.isActive}`),
  ],
);

export const workflowVersions = pgTable(
  'workflow_versions',
  {
    id: id(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    trigger: jsonb('trigger').$type<WorkflowTrigger>().notNull(),
    actions: jsonb('actions').$type<WorkflowAction[]>().notNull(),
    publishedBy: uuid('published_by').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('workflow_versions_workflow_version_idx').on(t.workflowId, t.version)],
);

export const SECRET_KINDS = ['webhook_inbound', 'webhook_signing'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

/** Per-workflow secrets, AES-256-GCM encrypted; never returned by the API after creation. */
export const workflowSecrets = pgTable(
  'workflow_secrets',
  {
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<SecretKind>().notNull(),
    ciphertext: text('ciphertext').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.kind] })],
);

export const EVENT_STATUSES = ['pending', 'dispatched', 'loop_stopped', 'failed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const EVENT_SOURCES = ['webhook', 'record', 'schedule', 'run'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export type EventOutcome = { runs: string[]; deduplicated: number; error?: string };

/** Inbound event log and outbox: written in the same transaction as the change it describes. */
export const events = pgTable(
  'events',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    source: text('source').$type<EventSource>().notNull(),
    /** record.created | record.updated | record.deleted | webhook.received | schedule.fired */
    type: text('type').notNull(),
    object: text('object'),
    recordId: text('record_id'),
    /** For webhook events: the one workflow whose hook received it. */
    workflowId: uuid('workflow_id'),
    payload: jsonb('payload').$type<TriggerPayload>().notNull(),
    causation: jsonb('causation').$type<Causation>().notNull(),
    dedupeKey: text('dedupe_key'),
    status: text('status').$type<EventStatus>().notNull().default('pending'),
    outcome: jsonb('outcome').$type<EventOutcome>(),
    attempts: integer('attempts').notNull().default(0),
    /** Times the outbox sweeper re-sent it, and when last: the next re-send backs off exponentially. */
    sweeps: integer('sweeps').notNull().default(0),
    sweptAt: timestamp('swept_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('events_dedupe_idx').on(t.workspaceId, t.dedupeKey),
    index('events_workspace_idx').on(t.workspaceId, t.receivedAt),
    index('events_undispatched_idx').on(t.receivedAt).where(sql`${t.dispatchedAt} is null`),
  ],
);

/**
 * Calls the webhook ingress refused, counted per hook (workflow), reason and minute. The bodies are
 * never stored; the ingress adds its in-memory counts in one upsert every few seconds.
 */
export const hookRefusals = pgTable(
  'hook_refusals',
  {
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    reason: text('reason').$type<HookRefusalReason>().notNull(),
    /** The minute the calls fell in (truncated). */
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
    /** The latest refused call in that minute. */
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.reason, t.minute] }), index('hook_refusals_workspace_idx').on(t.workspaceId, t.minute)],
);

/** The seed's table, columns kept exactly (status gains `cancelled`); the rest are additions. */
export const workflowExecutions = pgTable(
  'workflow_executions',
  {
    id: id(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    status: text('status').$type<ExecutionStatus>().notNull(),
    input: jsonb('input').$type<Json>(),
    output: jsonb('output').$type<Json>(),
    error: text('error'),
    startedAt: timestamp('started_at'),
    completedAt: timestamp('completed_at'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
    // Additions.
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    versionId: uuid('version_id').references(() => workflowVersions.id, { onDelete: 'set null' }),
    eventId: uuid('event_id'),
    /** Record the trigger was about, for filtering runs by record. */
    recordId: text('record_id'),
    temporalWorkflowId: text('temporal_workflow_id').notNull(),
    /** Set on a retry: the failed execution it resumes. */
    retryOf: uuid('retry_of'),
    /** Test runs of a draft; not counted as production runs. */
    isTest: boolean('is_test').notNull().default(false),
    /** A dry test run: sends, record writes and approvals were recorded as "would have", not done. */
    dryRun: boolean('dry_run').notNull().default(false),
    /** Set on a run started by another run's call_workflow step: the calling execution. */
    parentExecutionId: uuid('parent_execution_id'),
    /** When the run took one of its workspace's concurrent-run slots; null while queued or for runs that never asked. */
    admittedAt: timestamp('admitted_at', { withTimezone: true }),
  },
  (t) => [
    // The workspace's runs holding a slot (counted on every admission) and its queue, oldest first.
    index('executions_in_flight_idx').on(t.workspaceId).where(sql`${t.status} in ('pending', 'running') and ${t.admittedAt} is not null`),
    index('executions_queued_idx').on(t.workspaceId, t.createdAt).where(sql`${t.status} = 'queued'`),
    // The oldest open run: Temporal payloads stored before it began are no longer needed (temporal-codec/offload.ts).
    index('executions_open_idx').on(t.createdAt).where(sql`${t.status} in ('queued', 'pending', 'running')`),
    uniqueIndex('executions_workflow_event_idx').on(t.workflowId, t.eventId),
    index('executions_parent_idx').on(t.parentExecutionId).where(sql`${t.parentExecutionId} is not null`),
    index('executions_workspace_idx').on(t.workspaceId, t.createdAt),
    index('executions_workflow_idx').on(t.workflowId, t.createdAt),
    index('executions_record_idx').on(t.workspaceId, t.recordId),
    // Retention keeps an event while any run still points at it: that check needs this index.
    index('executions_event_idx').on(t.eventId).where(sql`${t.eventId} is not null`),
  ],
);

export const executionSteps = pgTable(
  'execution_steps',
  {
    id: id(),
    executionId: uuid('execution_id')
      .notNull()
      .references(() => workflowExecutions.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull(),
    actionId: text('action_id').notNull(),
    actionType: text('action_type').notNull(),
    /** Where the action sits, e.g. "actions[1].then[0]"; a loop's iteration n adds "#n": "actions[2]#3.steps[0]". */
    path: text('path').notNull(),
    /** Order in which steps started (skipped steps keep their definition order). */
    seq: integer('seq').notNull(),
    status: text('status').$type<StepStatus>().notNull(),
    input: jsonb('input').$type<Json>(),
    output: jsonb('output').$type<Json>(),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  // One row per place: a step inside a loop has one row per iteration, told apart by its path.
  (t) => [uniqueIndex('execution_steps_path_idx').on(t.executionId, t.path)],
);

/** Mail kept by the local stack when no SMTP server is configured. */
export const devMail = pgTable(
  'dev_mail',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    executionId: uuid('execution_id'),
    messageId: text('message_id').notNull(),
    from: text('from').notNull(),
    to: jsonb('to').$type<string[]>().notNull(),
    cc: jsonb('cc').$type<string[]>().notNull(),
    bcc: jsonb('bcc').$type<string[]>().notNull(),
    subject: text('subject').notNull(),
    text: text('text'),
    html: text('html'),
    createdAt: createdAt(),
  },
  (t) => [index('dev_mail_workspace_idx').on(t.workspaceId, t.createdAt)],
);

/** Pending invitations to a workspace: the token is only in the link, only its SHA-256 is stored. */
export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').$type<Role>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('invitations_workspace_idx').on(t.workspaceId, t.createdAt)],
);

export const AUDIT_ACTOR_KINDS = ['user', 'api_key', 'system'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/**
 * Who changed what: append-only (a trigger in the migration refuses UPDATE and DELETE). Actor and
 * target names are copied in, so an entry still reads right after the user, key or workflow is gone.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorKind: text('actor_kind').$type<AuditActorKind>().notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    /** `<thing>.<verb>`, e.g. workflow.published, member.invited. */
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    targetName: text('target_name'),
    summary: text('summary').notNull(),
    clientAddress: text('client_address'),
  },
  (t) => [index('audit_log_workspace_idx').on(t.workspaceId, t.at), index('audit_log_action_idx').on(t.workspaceId, t.action, t.at)],
);

/**
 * Workspace secrets, referenced as `{{secrets.NAME}}`: the value AES-256-GCM sealed under
 * ENCRYPTION_KEY, opened only by the worker at the moment of a call; the API returns the hint.
 */
export const workspaceSecrets = pgTable(
  'workspace_secrets',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    ciphertext: text('ciphertext').notNull(),
    /** The value's last 4 characters (none for values shorter than 12), so a person can tell versions apart. */
    hint: text('hint'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A run waiting on a person (wait_for_approval): one row per (execution, action). */
export const approvals = pgTable(
  'approvals',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    executionId: uuid('execution_id')
      .notNull()
      .references(() => workflowExecutions.id, { onDelete: 'cascade' }),
    workflowId: uuid('workflow_id').notNull(),
    actionId: text('action_id').notNull(),
    temporalWorkflowId: text('temporal_workflow_id').notNull(),
    /** As resolved: lower-cased email addresses and/or "admin" (every admin of the workspace). */
    approvers: jsonb('approvers').$type<string[]>().notNull(),
    message: text('message').notNull(),
    status: text('status').$type<ApprovalStatus>().notNull().default('pending'),
    onTimeout: text('on_timeout').$type<'approve' | 'reject' | 'fail'>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('approvals_step_idx').on(t.executionId, t.actionId), index('approvals_workspace_idx').on(t.workspaceId, t.status, t.createdAt)],
);

/** The emailed approve / reject links: only the SHA-256 of each token is kept; single use. */
export const approvalTokens = pgTable('approval_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  approvalId: uuid('approval_id')
    .notNull()
    .references(() => approvals.id, { onDelete: 'cascade' }),
  email: text('email').notNull(),
  decision: text('decision').$type<'approve' | 'reject'>().notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** The workspace's default failure alert; no row means the default (on, every admin, no webhook). */
export const failureAlertSettings = pgTable('failure_alert_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull().default(true),
  /** Null: every admin of the workspace. */
  recipients: jsonb('recipients').$type<string[]>(),
  webhookUrl: text('webhook_url'),
  /** Standard Webhooks signing secret, sealed with ENCRYPTION_KEY. */
  webhookSecret: text('webhook_secret'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Failures of one workflow not yet sent in a digest; the sweeper sends when next_send_at is due. */
export const failureAlertState = pgTable(
  'failure_alert_state',
  {
    workflowId: uuid('workflow_id')
      .primaryKey()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    pendingCount: integer('pending_count').notNull().default(0),
    /** The newest failed runs since the last digest (at most 20), for links. */
    pendingExecutionIds: jsonb('pending_execution_ids').$type<string[]>().notNull().default([]),
    firstFailedAt: timestamp('first_failed_at', { withTimezone: true }),
    lastError: text('last_error'),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
    nextSendAt: timestamp('next_send_at', { withTimezone: true }),
  },
  (t) => [index('failure_alert_due_idx').on(t.nextSendAt).where(sql`${t.pendingCount} > 0`)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * Temporal payloads too large to travel in Temporal itself (core/src/temporal-codec/offload.ts):
 * the codec stores the payload here, already encrypted, and Temporal carries only its key.
 * Not workspace data: rows are found by key only, and pruned once no open run can need them.
 */
export const temporalPayloads = pgTable(
  'temporal_payloads',
  {
    /** sha256 of `data`, base64url. */
    key: text('key').primaryKey(),
    data: bytea('data').notNull(),
    /** Written, or written again, at: a run only needs rows written since it began. */
    storedAt: timestamp('stored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('temporal_payloads_stored_idx').on(t.storedAt)],
);
