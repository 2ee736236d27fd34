import { z } from 'zod';
import { Cron } from 'croner';
import { FieldNameSchema, JsonSchema, ObjectNameSchema } from './common';

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Returns why a cron expression is invalid, or undefined when it is fine. */
export function cronError(expr: string): string | undefined {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return `a cron expression has 5 fields (minute hour day month weekday), got ${parts.length}`;
  try {
    new Cron(expr, { paused: true });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export const ScheduleTriggerSchema = z.object({
  type: z.literal('schedule'),
  cron: z.string().superRefine((v, ctx) => {
    const err = cronError(v);
    if (err) ctx.addIssue({ code: 'custom', message: `invalid cron: ${err}` });
  }),
  timezone: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, 'unknown time zone; use an IANA name such as "Europe/Paris"'),
});

export const WebhookAuthSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }),
  /** A shared secret sent in a header; the secret itself is stored encrypted, never in the definition. */
  z.object({
    mode: z.literal('header'),
    headerName: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name such as "X-Webhook-Secret"')
      .default('X-Webhook-Secret'),
  }),
  /** Standard Webhooks: HMAC-SHA256 over id.timestamp.body. */
  z.object({ mode: z.literal('signature') }),
]);

export const WebhookTriggerSchema = z.object({
  type: z.literal('webhook'),
  auth: WebhookAuthSchema.default({ mode: 'none' }),
  allowGet: z.boolean().default(false),
});

const recordTrigger = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), object: ObjectNameSchema });

export const RecordCreatedTriggerSchema = recordTrigger('record_created');
export const RecordUpdatedTriggerSchema = recordTrigger('record_updated');
export const RecordDeletedTriggerSchema = recordTrigger('record_deleted');

export const FieldChangedTriggerSchema = z.object({
  type: z.literal('field_changed'),
  object: ObjectNameSchema,
  field: FieldNameSchema,
  /** Match only when the old value equals this. */
  from: JsonSchema.optional(),
  /** Match only when the new value equals this. */
  to: JsonSchema.optional(),
});

export const WorkflowTriggerSchema = z.discriminatedUnion('type', [
  ScheduleTriggerSchema,
  WebhookTriggerSchema,
  RecordCreatedTriggerSchema,
  RecordUpdatedTriggerSchema,
  RecordDeletedTriggerSchema,
  FieldChangedTriggerSchema,
]);

export type WorkflowTrigger = z.infer<typeof WorkflowTriggerSchema>;
export type TriggerType = WorkflowTrigger['type'];
export type ScheduleTrigger = z.infer<typeof ScheduleTriggerSchema>;
export type WebhookTrigger = z.infer<typeof WebhookTriggerSchema>;
export type FieldChangedTrigger = z.infer<typeof FieldChangedTriggerSchema>;
export const TRIGGER_TYPES = WorkflowTriggerSchema.options.map((o) => o.shape.type.value) as TriggerType[];

export const RECORD_TRIGGER_TYPES = ['record_created', 'record_updated', 'record_deleted', 'field_changed'] as const;
export type RecordTriggerType = (typeof RECORD_TRIGGER_TYPES)[number];
export const isRecordTrigger = (t: WorkflowTrigger): t is Extract<WorkflowTrigger, { type: RecordTriggerType }> =>
  (RECORD_TRIGGER_TYPES as readonly string[]).includes(t.type);
