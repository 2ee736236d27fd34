import { defineTriggerMeta, isPlainObject, show } from '../define';
import type { ManualTrigger } from './schema';

const G = 'Trigger';

/**
 * The payload of a manual run: who started it and when, the record it runs on (loaded by the
 * server, never taken from the caller) and the caller's free-form payload, or a calling workflow's input.
 */
export function manualPayload(p: {
  object?: string | null;
  record?: { id: string; data: Record<string, unknown> } | null;
  payload?: unknown;
  startedBy: string | null;
  startedAt: string;
  calledBy?: { executionId: string; workflowId: string } | null;
}): Record<string, unknown> {
  const record = p.record ? { ...p.record.data, id: p.record.id, ...(p.object ? { object: p.object } : {}) } : null;
  return {
    kind: 'manual',
    object: p.object ?? null,
    recordId: p.record?.id ?? null,
    record,
    payload: p.payload ?? {},
    startedBy: p.startedBy,
    startedAt: p.startedAt,
    calledBy: p.calledBy ?? null,
  };
}

export const manualMeta = defineTriggerMeta<ManualTrigger>({
  type: 'manual',
  label: 'Manual (Run now / on a record)',
  source: { kind: 'manual' },
  summary: (t) => (t.object ? `When someone runs it on a ${show(t.object)}` : 'When someone runs it (Run now)'),
  variables: (t, fields) => [
    ...(t.object
      ? [
          { value: 'trigger.record.id', label: `the ${t.object}'s id`, group: G },
          ...fields.filter((f) => f !== 'id').map((f) => ({ value: `trigger.record.${f}`, label: `${t.object} ${f}`, group: G })),
        ]
      : []),
    { value: 'trigger.payload', label: 'the payload given with Run now (or a calling workflow’s input)', group: G },
    { value: 'trigger.startedBy', label: 'who started it (email)', group: G },
    { value: 'trigger.startedAt', label: 'when it was started', group: G },
  ],
  sample: (t, at) =>
    manualPayload({
      object: t.object ?? null,
      record: t.object ? (at.record ?? { id: 'sample-record', data: { name: 'Acme renewal', amount: 25000, email: 'ada@example.com' } }) : null,
      payload: { note: 'sample' },
      startedBy: 'admin@example.com',
      startedAt: at.now,
    }),
  // The sample is the payload, or { record, payload } when the trigger is on an object.
  shapeSample: (t, sample, now) => {
    const s = isPlainObject(sample) ? sample : {};
    const rec = t.object && isPlainObject(s.record) ? s.record : null;
    return manualPayload({
      object: t.object ?? null,
      record: rec ? { id: typeof rec.id === 'string' ? rec.id : 'test-record', data: rec } : null,
      payload: t.object && 'payload' in s ? s.payload : t.object ? {} : (sample ?? {}),
      startedBy: null,
      startedAt: now,
    });
  },
});
