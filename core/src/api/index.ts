/**
 * The settings API's request and response shapes (DTOs), shared by the API (route validation and
 * /api/openapi.json) and the web app. Browser-safe: plain zod and the definition schemas only.
 *
 * Triggers, actions and JSON values are described loosely here (the OpenAPI generator cannot walk
 * the recursive action schema); the API validates them in full with the definition schemas and
 * `validateStepReferences` and answers 400 naming the JSON path.
 */
import { z } from 'zod';
import { ActionDtoSchema, TriggerDtoSchema, visibleText } from './text';
import { ExecutionStatusSchema, HookRefusalReasonSchema, OBJECT_NAME_PATTERN, SECRET_NAME_PATTERN, StepStatusSchema } from '../definition';

export { loopItemsProblems, validateStepReferences, validateTemplates } from '../domain/validate-definition';

const id = z.string().meta({ example: '0b5e0c8e-7c55-4a53-9f5e-8f0b2f0f8a11' });
const date = z.string().meta({ description: 'ISO 8601 timestamp' });
// Present in every answer (null when empty), so required in the document; any JSON value.
const json = z.unknown().meta({ description: 'any JSON value' });
/** A JSON value every answer carries (null when empty): required in the document. */
const presentJson = z.unknown().nonoptional().meta({ description: 'any JSON value' });
const RoleSchema = z.enum(['admin', 'member']);

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      path: z.string().optional().meta({ description: 'JSON path of the bad field, e.g. "actions[1].url"' }),
      issues: z.array(z.object({ code: z.string(), message: z.string(), path: z.string().optional() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const PageQuerySchema = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

// Auth ---------------------------------------------------------------------------------------

export const LoginBodySchema = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});
const UserDtoSchema = z.object({ id, email: z.string(), name: z.string() }).meta({ id: 'User' });
const WorkspaceDtoSchema = z.object({ id, name: z.string(), slug: z.string(), role: RoleSchema }).meta({ id: 'Workspace' });
export const MeDtoSchema = z
  .object({
    user: UserDtoSchema.nullable(),
    /** Set when the caller authenticated with an API key. */
    apiKey: z.object({ id, name: z.string(), role: RoleSchema }).nullable(),
    workspaces: z.array(WorkspaceDtoSchema),
    temporalUiUrl: z.string(),
  })
  .meta({ id: 'Me' });
export const LoginResultSchema = z.object({ user: UserDtoSchema, workspaces: z.array(WorkspaceDtoSchema) });

export const ApiKeyDtoSchema = z
  .object({
    id,
    name: z.string(),
    prefix: z.string(),
    role: RoleSchema,
    createdBy: z.string().nullable(),
    createdByName: z.string().nullable().optional().meta({ description: 'name of the person who created it, in lists' }),
    createdAt: date,
    expiresAt: date.nullable(),
    revokedAt: date.nullable(),
    lastUsedAt: date.nullable(),
  })
  .meta({ id: 'ApiKey' });
export const ApiKeyCreateBodySchema = z.object({
  name: visibleText(100),
  role: RoleSchema.default('member'),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export const ApiKeyCreatedSchema = z.object({ key: z.string().meta({ description: 'shown once; store it now' }), apiKey: ApiKeyDtoSchema });

// Workflows ----------------------------------------------------------------------------------

/** A name: at least one visible character, no U+0000 (the draft check trims it; PostgreSQL cannot store U+0000). */
const NameSchema = visibleText(200, 'a name is required');
const DescriptionSchema = z.string().max(2_000).nullable();
// The definition is checked in full by the draft check (every trigger and action field, templates,
// step references); the document states its shape, required fields and string rules.
const definitionFields = { description: DescriptionSchema.optional(), actions: z.array(ActionDtoSchema).optional() };
export const WorkflowCreateBodySchema = z.object({
  name: NameSchema,
  trigger: TriggerDtoSchema,
  ...definitionFields,
  companyId: z.uuid().optional(),
});
export const WorkflowPatchBodySchema = z.object({ name: NameSchema.optional(), trigger: TriggerDtoSchema.optional(), ...definitionFields });

const SECRET_KIND_VALUES = ['webhook_inbound', 'webhook_signing'] as const;
export const WorkflowDtoSchema = z
  .object({
    id,
    name: z.string(),
    description: z.string().nullable(),
    companyId: z.string(),
    isActive: z.boolean(),
    trigger: TriggerDtoSchema,
    actions: z.array(ActionDtoSchema),
    activeVersionId: z.string().nullable(),
    hookId: z.string().nullable(),
    /** Path of the public webhook URL (prefix with the API origin). */
    hookPath: z.string().nullable(),
    secrets: z.array(z.enum(SECRET_KIND_VALUES)),
    hasSecret: z.boolean(),
    /** For schedule triggers: the next five fire times of the draft's cron, in UTC ISO form. */
    nextFireTimes: z.array(date).optional(),
    /** The version published last (it runs while the workflow is on); null when never published. */
    liveVersion: z.number().int().nullable().optional(),
    /** True when the draft differs from the version published last (see GET …/diff for what). */
    unpublishedChanges: z.boolean().optional(),
    /** In lists: the latest non-test run. */
    lastRun: z.object({ status: ExecutionStatusSchema, createdAt: date }).nullable().optional(),
    createdBy: z.string().nullable(),
    createdAt: date,
    updatedAt: date,
  })
  .meta({ id: 'Workflow' });

export const VersionDtoSchema = z
  .object({
    id,
    workflowId: z.string(),
    version: z.number().int(),
    name: z.string(),
    trigger: TriggerDtoSchema,
    actions: z.array(ActionDtoSchema),
    publishedBy: z.string().nullable(),
    publishedAt: date,
  })
  .meta({ id: 'WorkflowVersion' });

export const ActivateBodySchema = z.object({
  version: z.enum(['draft', 'live']).optional().meta({
    description:
      'which version runs when the draft differs from the version published last: the draft (published as the next version) or the live one as it is',
  }),
});
export const ActivateResultSchema = z.object({
  workflow: WorkflowDtoSchema,
  version: VersionDtoSchema,
  /** False when nothing new was published (the draft had no change, or the live version was chosen). */
  published: z.boolean(),
  /** What happened, in words ("Nothing to publish: the draft is the same as version 4."). */
  message: z.string(),
  /** Generated on first activation of a webhook with header/signature auth; shown once. */
  secret: z.string().optional(),
});

const FieldChangeSchema = z.object({ field: z.string(), label: z.string(), before: json, after: json });
export const DefinitionChangeSchema = z
  .object({
    kind: z.enum(['renamed', 'trigger_replaced', 'trigger_changed', 'step_added', 'step_removed', 'step_moved', 'step_changed']),
    text: z.string().meta({ description: 'the change in words, steps named by label and fields by label' }),
    stepId: z.string().optional(),
    step: z.string().optional(),
    where: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    before: z.string().optional(),
    after: z.string().optional(),
    fields: z.array(FieldChangeSchema).optional(),
  })
  .meta({ id: 'DefinitionChange' });
/** One side of a comparison: the draft, or a published version. */
const DiffSideSchema = z.string().regex(/^(draft|live|[1-9][0-9]{0,8})$/, 'draft, live or a version number');
export const DiffQuerySchema = z.object({ from: DiffSideSchema.default('live'), to: DiffSideSchema.default('draft') });
export const DiffDtoSchema = z
  .object({
    from: z.object({ label: z.string(), version: z.number().int().nullable() }),
    to: z.object({ label: z.string(), version: z.number().int().nullable() }),
    changes: z.array(DefinitionChangeSchema),
  })
  .meta({ id: 'WorkflowDiff' });
export type DiffDto = z.infer<typeof DiffDtoSchema>;
export type DefinitionChangeDto = z.infer<typeof DefinitionChangeSchema>;

export const SecretRotateBodySchema = z.object({ kind: z.enum(SECRET_KIND_VALUES).default('webhook_inbound') });
export const SecretRotatedSchema = z.object({ kind: z.enum(SECRET_KIND_VALUES), secret: z.string().meta({ description: 'shown once' }) });

export const TestRunBodySchema = z.object({
  payload: json.optional(),
  mode: z.enum(['dry', 'live']).default('dry').meta({
    description:
      'dry (default): emails, webhooks, record writes and approvals are recorded as "would have" with their resolved inputs and not done; reads, conditions, scripts and loops run. live: everything really happens.',
  }),
});

export const SchedulePreviewSchema = z.object({ cron: z.string(), timezone: z.string(), nextFireTimes: z.array(date) });

// Executions ---------------------------------------------------------------------------------

const StepDtoSchema = z
  .object({
    id,
    actionId: z.string(),
    actionType: z.string(),
    path: z.string(),
    seq: z.number().int(),
    status: StepStatusSchema,
    input: presentJson,
    output: presentJson,
    error: z.string().nullable(),
    attempts: z.number().int(),
    startedAt: date.nullable(),
    completedAt: date.nullable(),
  })
  .meta({ id: 'Step' });

export const ExecutionDtoSchema = z
  .object({
    id,
    workflowId: z.string(),
    workflowName: z.string().nullable(),
    status: ExecutionStatusSchema,
    input: presentJson,
    output: presentJson,
    error: z.string().nullable(),
    startedAt: date.nullable(),
    completedAt: date.nullable(),
    createdAt: date,
    versionId: z.string().nullable(),
    version: z.number().int().nullable(),
    eventId: z.string().nullable(),
    recordId: z.string().nullable(),
    temporalWorkflowId: z.string(),
    retryOf: z.string().nullable(),
    isTest: z.boolean(),
    /** A dry test run: steps with outside effects were recorded, not done (their output has dryRun: true). */
    dryRun: z.boolean(),
    steps: z.array(StepDtoSchema).optional(),
  })
  .meta({ id: 'Execution' });

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const ExecutionListQuerySchema = PageQuerySchema.extend({
  workflowId: z.uuid().optional(),
  status: ExecutionStatusSchema.optional(),
  recordId: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  isTest: bool.optional(),
});

// Events -------------------------------------------------------------------------------------

const EVENT_STATUS_VALUES = ['pending', 'dispatched', 'loop_stopped', 'failed'] as const;
const EVENT_SOURCE_VALUES = ['webhook', 'record', 'schedule', 'run'] as const;
export const EventDtoSchema = z
  .object({
    id,
    source: z.enum(EVENT_SOURCE_VALUES),
    type: z.string(),
    object: z.string().nullable(),
    recordId: z.string().nullable(),
    workflowId: z.string().nullable(),
    workflowName: z.string().nullable().optional().meta({ description: "the workflow the event names (a webhook's, a failed run's), when it still exists" }),
    hookId: z.string().nullable().optional().meta({ description: 'the hook of that workflow (POST /hooks/<hookId>)' }),
    payload: json.optional().meta({ description: 'in GET …/events/:id only; the list leaves it out' }),
    causation: presentJson,
    dedupeKey: z.string().nullable(),
    status: z.enum(EVENT_STATUS_VALUES),
    outcome: z.object({ runs: z.array(z.string()), deduplicated: z.number(), error: z.string().optional() }).nullable(),
    attempts: z.number().int(),
    receivedAt: date,
    dispatchedAt: date.nullable(),
  })
  .meta({ id: 'Event' });
export const EventListQuerySchema = PageQuerySchema.extend({
  status: z.enum(EVENT_STATUS_VALUES).optional(),
  source: z.enum(EVENT_SOURCE_VALUES).optional(),
  workflowId: z.uuid().optional(),
  recordId: z.string().max(200).optional(),
});
export const HookRefusalReasonDtoSchema = HookRefusalReasonSchema.meta({
  description:
    'wrong_secret, bad_signature, stale_timestamp (401), too_large (413), rate_limited (429), workspace_limit (429: over the workspace’s events per second), unsupported_type (415), malformed (400), wrong_method (405), inactive (404: the workflow is off)',
});
export const HookRefusalsQuerySchema = z.object({
  workflowId: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'default: 7 days ago' }),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const HookRefusalBase = {
  workflowId: id,
  workflowName: z.string(),
  hookId: z.string().nullable(),
  reason: HookRefusalReasonDtoSchema,
  count: z.number().int(),
  lastAt: date,
};
export const HookRefusalsDtoSchema = z
  .object({
    since: date,
    totals: z.array(z.object({ ...HookRefusalBase, firstAt: date })).meta({ description: 'per hook and reason since `since`, latest first' }),
    minutes: z.array(z.object({ ...HookRefusalBase, minute: date })).meta({ description: 'per hook, reason and minute, newest first (up to `limit`)' }),
  })
  .meta({ id: 'HookRefusals' });
export const ReplayResultSchema = z.object({ event: EventDtoSchema, mode: z.enum(['reset', 'copy']), replayOf: z.string() });

// Records ------------------------------------------------------------------------------------

export const RecordDtoSchema = z
  .object({ id, object: z.string(), companyId: z.string().nullable(), data: z.record(z.string(), json), createdAt: date, updatedAt: date })
  .meta({ id: 'Record' });
/** Record fields: any key of up to 200 characters (the generator drops a record's key schema; the meta states it). */
const RecordDataBodySchema = z.record(z.string().max(200), json).meta({ propertyNames: { type: 'string', maxLength: 200 } });
export const RecordWriteBodySchema = z.object({
  data: RecordDataBodySchema,
  companyId: z.uuid().optional(),
});
export const RecordPatchBodySchema = z.object({ data: RecordDataBodySchema });

// Dev mail -----------------------------------------------------------------------------------

export const DevMailDtoSchema = z
  .object({
    id,
    executionId: z.string().nullable(),
    messageId: z.string(),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    subject: z.string(),
    text: z.string().nullable(),
    html: z.string().nullable(),
    createdAt: date,
  })
  .meta({ id: 'DevMail' });

export type MeDto = z.infer<typeof MeDtoSchema>;
export type WorkflowDto = z.infer<typeof WorkflowDtoSchema>;
export type VersionDto = z.infer<typeof VersionDtoSchema>;
export type ExecutionDto = z.infer<typeof ExecutionDtoSchema>;
export type StepDto = z.infer<typeof StepDtoSchema>;
export type EventDto = z.infer<typeof EventDtoSchema>;
export type HookRefusalsDto = z.infer<typeof HookRefusalsDtoSchema>;
export type RecordDto = z.infer<typeof RecordDtoSchema>;
export type ApiKeyDto = z.infer<typeof ApiKeyDtoSchema>;
export type DevMailDto = z.infer<typeof DevMailDtoSchema>;
export * from './team';

// Workspace secrets --------------------------------------------------------------------------

const SecretUserDtoSchema = z
  .object({
    workflowId: id,
    name: z.string(),
    active: z.boolean(),
    inDraft: z.boolean(),
    inActiveVersion: z.boolean(),
    versions: z.array(z.number().int()),
  })
  .meta({ id: 'SecretUser' });
/** A secret as anyone may see it: never the value. */
export const SecretDtoSchema = z
  .object({
    name: z.string(),
    hint: z.string().nullable().meta({ description: 'the last 4 characters of values of 12 or more, else null' }),
    createdAt: date,
    createdBy: z.string().nullable().meta({ description: 'email of the admin who created it (null: the start-up migration)' }),
    updatedAt: date,
    updatedBy: z.string().nullable(),
    usedBy: z.array(SecretUserDtoSchema),
  })
  .meta({ id: 'Secret' });
export const SecretPutBodySchema = z.object({ value: z.string().min(1, 'a secret cannot be empty').max(16_384) });
// The name rule is checked by the domain with words for people; the document states it as a pattern.
export const SecretNameParams = z.object({ name: z.string().min(1).max(200).meta({ pattern: SECRET_NAME_PATTERN.source }) });
/** An object type in a path or query (`contact`, `deal`): checked by the routes, stated here as a pattern. */
export const ObjectParamSchema = z.string().min(1).max(200).meta({ pattern: OBJECT_NAME_PATTERN.source });
export type SecretDto = z.infer<typeof SecretDtoSchema>;
export * from './compose';
export * from './approvals';
export * from './retention';
export * from './usage';
