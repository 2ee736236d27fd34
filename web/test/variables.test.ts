import { describe, expect, it } from 'vitest';
import { WorkflowActionSchema, WorkflowTriggerSchema } from '@conduit/core/definition';
import { variablesFor } from '../src/editor/variables';

const trigger = WorkflowTriggerSchema.parse({ type: 'record_created', object: 'deal' });
const actions = [
  {
    id: 'check',
    type: 'condition',
    if: { all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: 1 }] },
    then: [
      { id: 'first', type: 'wait', duration: '1m' },
      { id: 'mail', type: 'send_email', to: ['a@example.com', 'b@example.com'], subject: 'Hi', body: 'x' },
    ],
    else: [],
  },
  { id: 'after', type: 'send_email', to: ['a@example.com', 'b@example.com'], subject: 'Hi', body: 'x' },
].map((a) => WorkflowActionSchema.parse(a));

const stepVars = (path: (string | number)[]) =>
  variablesFor(path, trigger, actions, ['amount'], new Map())
    .filter((v) => v.group === 'Earlier steps')
    .map((v) => v.value);

describe('variables a field may use', () => {
  it('inside a branch: the enclosing condition and the earlier steps of the branch, not itself', () => {
    expect(stepVars(['actions', 0, 'then', 1, 'subject'])).toEqual(['steps.check.output', 'steps.first.output']);
  });

  it('an array field of an action (a recipient) is the action itself, not a nested list', () => {
    expect(stepVars(['actions', 1, 'to', 1])).toEqual(['steps.check.output']);
    expect(stepVars(['actions', 0, 'then', 1, 'to', 0])).toEqual(['steps.check.output', 'steps.first.output']);
  });

  it('always offers the trigger', () => {
    expect(variablesFor(['actions', 0, 'if'], trigger, actions, ['amount'], new Map()).map((v) => v.value)).toContain('trigger.record.amount');
  });
});

describe('secrets in the variable picker', () => {
  const secretVars = (path: (string | number)[]) =>
    variablesFor(path, trigger, actions, [], new Map(), ['CRM_KEY', 'CRM_TOKEN'])
      .filter((v) => v.group === 'Secrets')
      .map((v) => v.value);

  it('offered in the fields that resolve them (an email body inside a branch), not in the others', () => {
    expect(secretVars(['actions', 0, 'then', 1, 'body'])).toEqual(['secrets.CRM_KEY', 'secrets.CRM_TOKEN']);
    expect(secretVars(['actions', 0, 'then', 1, 'subject'])).toEqual([]);
    expect(secretVars(['actions', 1, 'to', 0])).toEqual([]);
    expect(secretVars(['actions', 0, 'if'])).toEqual([]);
  });
});
