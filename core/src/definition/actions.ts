import { z } from 'zod';
import { DurationSchema, FieldNameSchema, JsonSchema, ObjectNameSchema, isTemplated } from './common';
import { ConditionGroupSchema } from './conditions';

/** Action ids are referenced as {{steps.<id>.output}}, so they must be plain identifiers. */
export const ActionIdSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'use letters, digits and _, starting with a letter (for example "notify")');

export const RetryPolicySchema = z.object({
  maxAttempts: z.number().int().min(1).max(10).default(3),
  initialIntervalMs: z.number().int().min(100).max(600_000).default(1_000),
  backoffCoefficient: z.number().min(1).max(10).default(2),
  maxIntervalMs: z.number().int().min(100).max(3_600_000).default(60_000),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

const base = {
  id: ActionIdSchema,
  /** Label shown in the editor and the run timeline. */
  name: z.string().max(200).optional(),
  retry: RetryPolicySchema.optional(),
  /** stop: the run fails; continue: the error becomes the step's output and the run goes on. */
  onFailure: z.enum(['stop', 'continue']).default('stop'),
};

const EMAIL = /^[^\s@<>(),;:"\[\]]+@[^\s@<>(),;:"\[\]]+\.[^\s@<>(),;:"\[\]]+$/;
const EmailAddressSchema = z
  .string()
  .min(1)
  .max(320)
  .refine((s) => isTemplated(s) || EMAIL.test(s), 'not a valid email address');
const RecipientsSchema = z.union([EmailAddressSchema, z.array(EmailAddressSchema).min(1).max(50)]);
export const isValidEmail = (s: string): boolean => EMAIL.test(s);

export const SendEmailActionSchema = z
  .object({
    ...base,
    type: z.literal('send_email'),
    to: RecipientsSchema,
    cc: RecipientsSchema.optional(),
    bcc: RecipientsSchema.optional(),
    replyTo: EmailAddressSchema.optional(),
    subject: z.string().min(1, 'a subject is required').max(998),
    /** Plain-text body. */
    body: z.string().max(200_000).optional(),
    html: z.string().max(500_000).optional(),
  })
  .refine((a) => a.body !== undefined || a.html !== undefined, { path: ['body'], message: 'give a text body or an HTML body' });

const UrlSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => {
    if (isTemplated(s)) return true;
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'not a valid http(s) URL');

export const WEBHOOK_MAX_TIMEOUT_MS = 30_000;
const HeaderNameSchema = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'not a valid header name');

export const SendWebhookActionSchema = z.object({
  ...base,
  type: z.literal('send_webhook'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  url: UrlSchema,
  headers: z.record(HeaderNameSchema, z.string().max(8192)).default({}),
  query: z.record(z.string().min(1).max(256), z.string().max(4096)).default({}),
  /** JSON value sent as application/json, or a string sent as text when bodyType is "text". */
  body: JsonSchema.optional(),
  bodyType: z.enum(['json', 'text']).default('json'),
  timeoutMs: z.number().int().min(100).max(WEBHOOK_MAX_TIMEOUT_MS).default(10_000),
  /** Sign the request with the workflow's signing secret (Standard Webhooks headers). */
  sign: z.boolean().default(false),
});

const RecordIdSchema = z.string().min(1).max(200);
const RecordDataSchema = z
  .record(FieldNameSchema, JsonSchema)
  .refine((d) => Object.keys(d).length <= 200, 'at most 200 fields');

export const CreateRecordActionSchema = z.object({
  ...base,
  type: z.literal('create_record'),
  object: ObjectNameSchema,
  data: RecordDataSchema,
});

export const UpdateRecordActionSchema = z.object({
  ...base,
  type: z.literal('update_record'),
  object: ObjectNameSchema,
  recordId: RecordIdSchema,
  data: RecordDataSchema.refine((d) => Object.keys(d).length > 0, 'give at least one field to update'),
});

export const DeleteRecordActionSchema = z.object({
  ...base,
  type: z.literal('delete_record'),
  object: ObjectNameSchema,
  recordId: RecordIdSchema,
});

export const SCRIPT_LIMITS = { memoryMb: { default: 64, max: 256 }, cpuMs: { default: 1_000, max: 10_000 } } as const;

export const RunScriptActionSchema = z.object({
  ...base,
  type: z.literal('run_script'),
  /** Body of an async function; `input` is { trigger, steps }; the return value is the step's output. */
  code: z.string().min(1, 'write some code').max(100_000),
  memoryMb: z.number().int().min(8).max(SCRIPT_LIMITS.memoryMb.max).default(SCRIPT_LIMITS.memoryMb.default),
  cpuMs: z.number().int().min(10).max(SCRIPT_LIMITS.cpuMs.max).default(SCRIPT_LIMITS.cpuMs.default),
});

export const WaitActionSchema = z
  .object({
    ...base,
    type: z.literal('wait'),
    duration: DurationSchema.optional(),
    /** An ISO 8601 time, or a template resolving to one. */
    until: z
      .string()
      .max(200)
      .refine((s) => isTemplated(s) || !Number.isNaN(Date.parse(s)), 'not a valid date-time (use ISO 8601)')
      .optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.duration === undefined) === (a.until === undefined))
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'give exactly one of "duration" or "until"' });
  });

export type SendEmailAction = z.infer<typeof SendEmailActionSchema>;
export type SendWebhookAction = z.infer<typeof SendWebhookActionSchema>;
export type CreateRecordAction = z.infer<typeof CreateRecordActionSchema>;
export type UpdateRecordAction = z.infer<typeof UpdateRecordActionSchema>;
export type DeleteRecordAction = z.infer<typeof DeleteRecordActionSchema>;
export type RunScriptAction = z.infer<typeof RunScriptActionSchema>;
export type WaitAction = z.infer<typeof WaitActionSchema>;

type Base = z.infer<z.ZodObject<typeof base>>;
export type ConditionAction = Base & {
  type: 'condition';
  if: z.infer<typeof ConditionGroupSchema>;
  then: WorkflowAction[];
  else: WorkflowAction[];
};
export type WorkflowAction =
  | SendEmailAction
  | SendWebhookAction
  | CreateRecordAction
  | UpdateRecordAction
  | DeleteRecordAction
  | RunScriptAction
  | WaitAction
  | ConditionAction;
export type ActionType = WorkflowAction['type'];

export const MAX_BRANCH_ACTIONS = 500;
export const ConditionActionSchema = z.object({
  ...base,
  type: z.literal('condition'),
  if: ConditionGroupSchema,
  get then() {
    return z.array(WorkflowActionSchema).max(MAX_BRANCH_ACTIONS).default([]);
  },
  get else() {
    return z.array(WorkflowActionSchema).max(MAX_BRANCH_ACTIONS).default([]);
  },
});

/** Input side of the action union (defaults may be omitted). */
export type WorkflowActionInput = z.input<typeof SendEmailActionSchema> | z.input<typeof SendWebhookActionSchema>
  | z.input<typeof CreateRecordActionSchema> | z.input<typeof UpdateRecordActionSchema> | z.input<typeof DeleteRecordActionSchema>
  | z.input<typeof RunScriptActionSchema> | z.input<typeof WaitActionSchema>
  | (Omit<ConditionAction, 'then' | 'else' | 'onFailure'> & { onFailure?: 'stop' | 'continue'; then?: WorkflowActionInput[]; else?: WorkflowActionInput[] });

export const WorkflowActionSchema: z.ZodType<WorkflowAction, WorkflowActionInput> = z.discriminatedUnion('type', [
  SendEmailActionSchema,
  SendWebhookActionSchema,
  CreateRecordActionSchema,
  UpdateRecordActionSchema,
  DeleteRecordActionSchema,
  RunScriptActionSchema,
  WaitActionSchema,
  ConditionActionSchema,
]) as unknown as z.ZodType<WorkflowAction, WorkflowActionInput>;

/**
 * The list every registry must cover. `satisfies` makes adding a type to the union without
 * listing it here a compile error, and registries are typed `Record<ActionType, …>`.
 */
export const ACTION_TYPES = [
  'send_email', 'send_webhook', 'create_record', 'update_record', 'delete_record', 'run_script', 'wait', 'condition',
] as const satisfies readonly ActionType[];
type _AllListed = Exclude<ActionType, (typeof ACTION_TYPES)[number]> extends never ? true : never;
export const _actionTypesComplete: _AllListed = true;

export const ACTION_FIELD = { FieldNameSchema } as const;
