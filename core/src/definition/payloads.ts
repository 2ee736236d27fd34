import { z } from 'zod';
import { JsonObjectSchema, JsonSchema } from './common';

/** A record as templates see it: its fields plus id and object (`{{trigger.record.id}}`). */
export const RecordViewSchema = JsonObjectSchema;

export const RecordEventKindSchema = z.enum(['created', 'updated', 'deleted']);
export type RecordEventKind = z.infer<typeof RecordEventKindSchema>;

/** `trigger` for record triggers. */
export const RecordTriggerPayloadSchema = z.object({
  kind: z.literal('record'),
  event: RecordEventKindSchema,
  object: z.string(),
  recordId: z.string(),
  /** The record after the change (before it, for deletes). */
  record: RecordViewSchema,
  /** The record before the change; null on create. */
  previous: RecordViewSchema.nullable(),
  /** Names of the fields whose values changed. */
  changed: z.array(z.string()),
});

/** `trigger` for webhook triggers. Headers are filtered: no credentials. */
export const WebhookTriggerPayloadSchema = z.object({
  kind: z.literal('webhook'),
  method: z.string(),
  body: JsonSchema,
  query: z.record(z.string(), z.string()),
  headers: z.record(z.string(), z.string()),
  contentType: z.string().nullable(),
  receivedAt: z.string(),
});

/** `trigger` for schedule triggers. */
export const ScheduleTriggerPayloadSchema = z.object({
  kind: z.literal('schedule'),
  scheduledAt: z.string(),
  timezone: z.string(),
});

/** `trigger` for a manual test run (any sample the user gives). */
export const ManualTriggerPayloadSchema = z.object({ kind: z.literal('manual') }).catchall(JsonSchema);

/** `trigger` for run_failed triggers: the failed run of another workflow. */
export const RunFailedTriggerPayloadSchema = z.object({
  kind: z.literal('run_failed'),
  executionId: z.string(),
  workflow: z.object({ id: z.string(), name: z.string() }),
  step: z.object({ id: z.string(), label: z.string() }).nullable(),
  error: z.string(),
  failedAt: z.string(),
});

export const TriggerPayloadSchema = z.discriminatedUnion('kind', [
  RecordTriggerPayloadSchema,
  WebhookTriggerPayloadSchema,
  ScheduleTriggerPayloadSchema,
  ManualTriggerPayloadSchema,
  RunFailedTriggerPayloadSchema,
]);
export type TriggerPayload = z.infer<typeof TriggerPayloadSchema>;
export type RecordTriggerPayload = z.infer<typeof RecordTriggerPayloadSchema>;
export type WebhookTriggerPayload = z.infer<typeof WebhookTriggerPayloadSchema>;

/** Events caused by a run carry the chain of executions that led to them. */
export const CausationSchema = z.object({
  depth: z.number().int().min(0),
  /** Execution ids, oldest first. */
  chain: z.array(z.string()).max(50),
});
export type Causation = z.infer<typeof CausationSchema>;
export const ROOT_CAUSATION: Causation = { depth: 0, chain: [] };
