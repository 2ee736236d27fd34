import { describeIssues, TriggerPayloadSchema, type JsonObject, type TriggerPayload, type WorkflowTrigger } from '@conduit/core/definition';
import { invalid } from '../http/errors';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The trigger payload of a test run: a full payload when the sample already is one, else the
 * sample shaped like what the workflow's trigger delivers (a record, a webhook body, a fire time).
 */
export function testTriggerPayload(trigger: WorkflowTrigger, sample: unknown, now: Date): TriggerPayload {
  const direct = TriggerPayloadSchema.safeParse(sample);
  if (direct.success) return direct.data;
  let candidate: unknown;
  switch (trigger.type) {
    case 'record_created':
    case 'record_updated':
    case 'record_deleted':
    case 'field_changed': {
      const s = isObject(sample) ? sample : {};
      const record = isObject(s.record) ? s.record : s;
      const event = trigger.type === 'record_created' ? 'created' : trigger.type === 'record_deleted' ? 'deleted' : 'updated';
      candidate = {
        kind: 'record', event, object: trigger.object,
        recordId: typeof record.id === 'string' ? record.id : 'test-record',
        record: { ...record, id: typeof record.id === 'string' ? record.id : 'test-record' },
        previous: isObject(s.previous) ? s.previous : null,
        changed: Array.isArray(s.changed) ? s.changed : trigger.type === 'field_changed' ? [trigger.field] : Object.keys(record).sort(),
      };
      break;
    }
    case 'webhook':
      candidate = { kind: 'webhook', method: 'POST', body: sample ?? {}, query: {}, headers: {}, contentType: 'application/json', receivedAt: now.toISOString() };
      break;
    case 'schedule':
      candidate = { kind: 'schedule', scheduledAt: now.toISOString(), timezone: trigger.timezone };
      break;
  }
  const parsed = TriggerPayloadSchema.safeParse(candidate);
  if (!parsed.success) throw invalid(describeIssues(parsed.error, ['payload']));
  return parsed.data;
}
