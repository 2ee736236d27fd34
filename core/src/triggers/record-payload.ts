/** What the four record triggers share: their variables and payloads. Zod-free (the editor uses it). */
import { isPlainObject, type TriggerVariable } from './define';

type RecordTrigger = { type: string; object: string; field?: string; from?: unknown; to?: unknown };
type RecordEvent = 'created' | 'updated' | 'deleted';
const G = 'Trigger';

export function recordVariables(trigger: RecordTrigger, fields: readonly string[], withPrevious: boolean): TriggerVariable[] {
  const own = fields.filter((f) => f !== 'id');
  const out: TriggerVariable[] = [
    { value: 'trigger.record.id', label: `the ${trigger.object}'s id`, group: G },
    ...own.map((f) => ({ value: `trigger.record.${f}`, label: `${trigger.object} ${f}`, group: G })),
    { value: 'trigger.event', label: 'created, updated or deleted', group: G },
  ];
  if (withPrevious) {
    out.push(...own.map((f) => ({ value: `trigger.previous.${f}`, label: `${f} before the change`, group: 'Before the change' })));
    out.push({ value: 'trigger.changed', label: 'names of the changed fields', group: G });
  }
  return out;
}

const SAMPLE_DATA = { name: 'Acme renewal', stage: 'won', amount: 25000, ownerEmail: 'owner@example.com' };

export function recordSample(
  trigger: RecordTrigger,
  event: RecordEvent,
  at: { record?: { id: string; data: Record<string, unknown> } },
): Record<string, unknown> {
  const id = at.record?.id ?? 'sample-record';
  const record: Record<string, unknown> = { ...(at.record?.data ?? SAMPLE_DATA), id, object: trigger.object };
  const field = trigger.field;
  const previous = event === 'created' ? null : field ? { ...record, [field]: trigger.from ?? 'previous value' } : { ...record };
  if (field && trigger.to !== undefined) record[field] = trigger.to;
  return { kind: 'record', event, object: trigger.object, recordId: id, record, previous, changed: field ? [field] : [] };
}

/** A sample that is the record itself, or { record, previous?, changed? }. */
export function shapeRecordSample(trigger: RecordTrigger, event: RecordEvent, sample: unknown): Record<string, unknown> {
  const s = isPlainObject(sample) ? sample : {};
  const record = isPlainObject(s.record) ? s.record : s;
  const id = typeof record.id === 'string' ? record.id : 'test-record';
  return {
    kind: 'record',
    event,
    object: trigger.object,
    recordId: id,
    record: { ...record, id },
    previous: isPlainObject(s.previous) ? s.previous : null,
    changed: Array.isArray(s.changed) ? s.changed : trigger.field ? [trigger.field] : Object.keys(record).sort(),
  };
}
