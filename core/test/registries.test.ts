import { describe, expect, it } from 'vitest';
import {
  ACTION_META,
  ACTION_TYPES,
  RAW_FIELDS,
  STRUCTURAL_FIELDS,
  TRIGGER_META,
  TRIGGER_TYPES,
  TRIGGER_TYPES_BY_RECORD_EVENT,
  WorkflowActionSchema,
  TriggerPayloadSchema,
  WorkflowTriggerSchema,
  placementOf,
  sampleTriggerPayload,
  shapeTriggerSample,
  triggerVariables,
  retryPolicyOf,
  summarizeAction,
  summarizeTrigger,
  timeoutMsOf,
  walkActions,
  type WorkflowAction,
} from '@conduit/core/definition';

// The compiler makes every table cover every type; these check the same at run time, where a cast or
// a spread could hide a gap, and that each entry describes its own type.
describe('action and trigger registries', () => {
  it('the meta table has exactly the listed action types, each entry its own', () => {
    expect(Object.keys(ACTION_META)).toEqual([...ACTION_TYPES]);
    for (const type of ACTION_TYPES) {
      const meta = ACTION_META[type];
      expect(meta.type).toBe(type);
      expect(meta.label.length).toBeGreaterThan(0);
      expect(meta.description.length).toBeGreaterThan(0);
      expect(meta.idBase).toMatch(/^[a-z_]+$/);
      // A type that runs as an activity has a default retry and a timeout; one the workflow evaluates has neither.
      expect(meta.retry === null).toBe(meta.timeoutMs === null);
    }
  });

  it('the trigger meta table has exactly the listed trigger types', () => {
    expect(Object.keys(TRIGGER_META)).toEqual([...TRIGGER_TYPES]);
    for (const type of TRIGGER_TYPES) expect(TRIGGER_META[type].type).toBe(type);
    expect(TRIGGER_TYPES_BY_RECORD_EVENT).toEqual({
      'record.created': ['record_created'],
      'record.updated': ['record_updated', 'field_changed'],
      'record.deleted': ['record_deleted'],
    });
  });

  it('per-type runtime facts are the ones the interpreter relies on', () => {
    const parse = (a: unknown) => WorkflowActionSchema.parse(a);
    const script = parse({ id: 's', type: 'run_script', code: 'return 1' });
    const longScript = parse({ id: 's', type: 'run_script', code: 'return 1', cpuMs: 5_000 });
    const hook = parse({ id: 'h', type: 'send_webhook', url: 'https://example.com', timeoutMs: 5_000 });
    const wait = parse({ id: 'w', type: 'wait', duration: '1h' });
    expect(placementOf(script)).toBe('local');
    expect(placementOf(longScript)).toBe('activity');
    expect(placementOf(hook)).toBe('activity');
    expect(placementOf(wait)).toBe('workflow');
    expect(timeoutMsOf(hook)).toBe(15_000);
    expect(timeoutMsOf(longScript)).toBe(35_000);
    expect(timeoutMsOf(wait)).toBeNull();
    expect(retryPolicyOf(script)?.maxAttempts).toBe(1);
    const own = parse({ id: 'h', type: 'send_webhook', url: 'https://example.com', retry: { maxAttempts: 7 } });
    expect(retryPolicyOf(own)?.maxAttempts).toBe(7);
    expect(RAW_FIELDS.run_script.has('code')).toBe(true);
    expect(RAW_FIELDS.send_webhook.has('url')).toBe(false);
    expect([...STRUCTURAL_FIELDS.condition].sort()).toEqual(['else', 'id', 'if', 'then', 'type']);
  });

  it('walks nested lists through the meta table and describes actions and triggers in words', () => {
    const actions = [
      {
        id: 'c',
        type: 'condition',
        if: { all: [{ left: '{{trigger.x}}', op: 'eq', right: 1 }] },
        then: [{ id: 'a', type: 'wait', duration: '1h' }],
        else: [{ id: 'b', type: 'delete_record', object: 'deal', recordId: 'x' }],
      },
    ].map((a) => WorkflowActionSchema.parse(a));
    const seen: string[] = [];
    walkActions(actions, (a, p) => seen.push(`${a.id}@${p.join('.')}`));
    expect(seen).toEqual(['c@0', 'a@0.then.0', 'b@0.else.0']);
    expect(summarizeAction(actions[0] as WorkflowAction)).toBe('If … then 1 step, else 1 step');
    expect(summarizeAction(WorkflowActionSchema.parse({ id: 'm', type: 'send_email', to: ['a@x.io', 'b@x.io'], subject: 'Hi', body: 'x' }))).toBe(
      'Email to a@x.io, b@x.io: Hi',
    );
    expect(summarizeTrigger(WorkflowTriggerSchema.parse({ type: 'field_changed', object: 'deal', field: 'stage', to: 'won' }))).toBe(
      "When a deal's stage changes to won",
    );
    expect(summarizeTrigger({ type: 'from_the_future' })).toBe('from_the_future');
  });

  it('every trigger type gives a valid sample payload, shapes a partial sample, and offers variables', () => {
    const triggers = [
      { type: 'schedule', cron: '0 9 * * *', timezone: 'Europe/Paris' },
      { type: 'webhook' },
      { type: 'record_created', object: 'deal' },
      { type: 'record_updated', object: 'deal' },
      { type: 'record_deleted', object: 'deal' },
      { type: 'field_changed', object: 'deal', field: 'stage', from: 'open', to: 'won' },
      { type: 'manual', object: 'deal' },
      { type: 'run_failed' },
    ].map((t) => WorkflowTriggerSchema.parse(t));
    expect(triggers.map((t) => t.type)).toEqual([...TRIGGER_TYPES]);
    for (const t of triggers) {
      const sample = TriggerPayloadSchema.parse(sampleTriggerPayload(t, { id: 'r1', data: { stage: 'open', amount: 3 } }));
      const shaped = TriggerPayloadSchema.parse(shapeTriggerSample(t, { amount: 5 }, new Date('2026-01-01T00:00:00Z')));
      expect(shaped.kind).toBe(sample.kind);
      expect(triggerVariables(t, ['id', 'amount']).length).toBeGreaterThan(1);
    }
    const changed = sampleTriggerPayload(triggers[5]!, { id: 'r1', data: { stage: 'open' } });
    expect(changed).toMatchObject({ event: 'updated', record: { stage: 'won' }, previous: { stage: 'open' }, changed: ['stage'] });
    expect(shapeTriggerSample(triggers[1]!, { a: 1 }, new Date(0))).toMatchObject({ kind: 'webhook', body: { a: 1 } });
    expect(triggerVariables(triggers[2]!, ['id', 'amount']).some((v) => v.value.startsWith('trigger.previous'))).toBe(false);
    expect(triggerVariables(triggers[3]!, ['id', 'amount']).some((v) => v.value === 'trigger.previous.amount')).toBe(true);
  });
});
