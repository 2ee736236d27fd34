import { describe, expect, it } from 'vitest';
import { WorkflowActionSchema, WorkflowTriggerSchema } from '@conduit/core/definition';
import type { Step } from '../src/api/schemas';
import type { Draft } from '../src/editor/draft';
import { validateDraft } from '../src/editor/validate';
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
    .filter((v) => v.group === 'Earlier steps' && /^steps\.\w+\.output$/.test(v.value))
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

describe('output fields without a test run, and loops', () => {
  const hook = WorkflowTriggerSchema.parse({ type: 'webhook' });
  const flow = [
    { id: 'find', type: 'find_records', name: 'Open deals', object: 'deal' },
    {
      id: 'loop',
      type: 'for_each',
      items: '{{trigger.body.list}}',
      steps: [{ id: 'mk', type: 'create_record', object: 'x', data: {} }],
    },
  ].map((a) => WorkflowActionSchema.parse(a));
  const picked = (path: (string | number)[], steps = new Map<string, Step>()) => variablesFor(path, hook, flow, [], steps);

  it("a loop's Items offers Find records' list first, before any test run, and its other fields after", () => {
    const vars = picked(['actions', 1, 'items']);
    expect(vars[0]).toEqual({ value: 'steps.find.output.items', label: 'Open deals: the records found (a list)', group: 'Lists to loop over' });
    const earlier = vars.filter((v) => v.group === 'Earlier steps').map((v) => v.value);
    expect(earlier).toEqual(['steps.find.output', 'steps.find.output.count', 'steps.find.output.first', 'steps.find.output.hasMore']);
    expect(vars.find((v) => v.value === 'steps.find.output')?.label).toBe('Open deals: its whole output, an object (items, count, first, hasMore)');
  });

  it("inside the loop: item and index and the steps before it, never the loop's own output", () => {
    const values = picked(['actions', 1, 'steps', 0, 'data']).map((v) => v.value);
    expect(values).toContain('item');
    expect(values).toContain('steps.find.output.items');
    expect(values.filter((v) => v.startsWith('steps.loop'))).toEqual([]);
    // After the loop, its output is known.
    const after = [...flow, WorkflowActionSchema.parse({ id: 'end', type: 'wait', duration: '1s' })];
    expect(variablesFor(['actions', 2, 'duration'], hook, after, [], new Map()).map((v) => v.value)).toContain('steps.loop.output.results');
  });

  it('the last test run adds deeper keys and the keys of a script', () => {
    const script = WorkflowActionSchema.parse({ id: 's', type: 'run_script', code: 'return { total: 1 }' });
    const steps = new Map([
      ['find', { output: { items: [], count: 1, first: { id: 'r1', email: 'a@x' }, hasMore: false } } as unknown as Step],
      ['s', { output: { total: 1 } } as unknown as Step],
    ]);
    const values = variablesFor(['actions', 2, 'data'], hook, [flow[0]!, script, flow[1]!], [], steps).map((v) => v.value);
    expect(values).toContain('steps.find.output.first.email');
    expect(values).toContain('steps.s.output');
    expect(values).toContain('steps.s.output.total');
  });
});

describe("the editor's problems", () => {
  const draft = (items: string, inner: Record<string, unknown>[] = []) =>
    ({
      name: 'x',
      trigger: { type: 'webhook' },
      actions: [
        { id: 'find', type: 'find_records', name: 'Open deals', object: 'deal', limit: 100 },
        { id: 'loop', type: 'for_each', name: 'Each deal', items, concurrency: 1, maxItems: 1000, steps: inner },
      ],
    }) as unknown as Draft;

  it("a loop over Find records' whole output is flagged at its Items, naming the list", () => {
    expect(validateDraft(draft('{{steps.find.output}}')).get('actions[1].items')).toBe(
      '"Open deals" returns an object (items, count, first, hasMore), not a list: loop over {{steps.find.output.items}}',
    );
    expect(validateDraft(draft('{{steps.find.output.items}}')).size).toBe(0);
  });

  it("a step inside the loop using the loop's output is flagged at its field", () => {
    const p = validateDraft(
      draft('{{steps.find.output.items}}', [{ id: 'mk', type: 'create_record', object: 'x', data: { n: '{{steps.loop.output.count}}' } }]),
    );
    expect(p.get('actions[1].steps[0].data')).toBe(
      '{{steps.loop…}}: this step runs inside the loop "Each deal", whose output is only known once every item has run; use {{item}} for the current item',
    );
  });
});
