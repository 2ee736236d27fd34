/**
 * The per-type facts of triggers as one table, zod-free, typed over TriggerType (derived from the
 * schema list in ./schemas.ts): a missing or extra entry fails to compile.
 */
import type { TriggerMeta } from './define';
import { fieldChangedMeta } from './field_changed/meta';
import { manualMeta } from './manual/meta';
import { recordCreatedMeta } from './record_created/meta';
import { recordDeletedMeta } from './record_deleted/meta';
import { recordUpdatedMeta } from './record_updated/meta';
import { runFailedMeta } from './run_failed/meta';
import { scheduleMeta } from './schedule/meta';
import type { TriggerOf, TriggerType, WorkflowTrigger } from './schemas';
import { webhookMeta } from './webhook/meta';

export const TRIGGER_META: { readonly [T in TriggerType]: TriggerMeta<TriggerOf<T>> } = {
  schedule: scheduleMeta,
  webhook: webhookMeta,
  record_created: recordCreatedMeta,
  record_updated: recordUpdatedMeta,
  record_deleted: recordDeletedMeta,
  field_changed: fieldChangedMeta,
  manual: manualMeta,
  run_failed: runFailedMeta,
};

/** Sound widening, as for summarizeTrigger: the entry is looked up by the trigger's own type. */
const metaOf = (t: WorkflowTrigger) => TRIGGER_META[t.type] as TriggerMeta<WorkflowTrigger>;
export const triggerVariables = (t: WorkflowTrigger, fields: readonly string[]) => metaOf(t).variables(t, fields);
export const sampleTriggerPayload = (t: WorkflowTrigger, record?: { id: string; data: Record<string, unknown> }) =>
  metaOf(t).sample(t, { now: new Date().toISOString(), ...(record ? { record } : {}) });
export const shapeTriggerSample = (t: WorkflowTrigger, sample: unknown, now: Date) => metaOf(t).shapeSample(t, sample, now.toISOString());

/**
 * The trigger in words. Takes a stored trigger as the API returns it (validated when it was saved);
 * a type this build does not know is shown by name. The widening is sound: the entry is looked up by
 * the trigger's own type.
 */
export function summarizeTrigger(t: { type: string }): string {
  const meta = (TRIGGER_META as Record<string, TriggerMeta<WorkflowTrigger>>)[t.type];
  return meta ? meta.summary(t as WorkflowTrigger) : t.type;
}

/** The builder's words for trigger fields ("cron" → "Cron expression"); else the key, spaced. */
const TRIGGER_FIELD_LABELS: Readonly<Record<string, string>> = {
  cron: 'Cron expression',
  timezone: 'Time zone',
  auth: 'Authentication',
  allowGet: 'Also accept GET requests',
  allowMembers: 'Members may run it',
  workflowId: 'Which workflow',
  object: 'Object',
  field: 'Field',
  from: 'From',
  to: 'To',
};
export function triggerFieldLabelOf(field: string): string {
  const spaced = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return TRIGGER_FIELD_LABELS[field] ?? spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The trigger types a record event fires, by event type (derived from each type's source). */
export const TRIGGER_TYPES_BY_RECORD_EVENT: Readonly<Record<string, readonly TriggerType[]>> = (() => {
  const out: Record<string, TriggerType[]> = {};
  for (const type of Object.keys(TRIGGER_META) as TriggerType[]) {
    const source = TRIGGER_META[type].source;
    if (source.kind === 'record') out[source.event] = [...(out[source.event] ?? []), type];
  }
  return out;
})();
