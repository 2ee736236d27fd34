import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ACTION_META,
  ACTION_OUTPUTS,
  ACTION_TYPES,
  WorkflowDefinitionSchema,
  outputFieldsOf,
  stepsRunBefore,
  walkActions,
  type WorkflowAction,
} from '../src/definition';
import { loopItemsProblems, validateStepReferences } from '../src/api';
import { checkDraft, InvalidInputError } from '../src/domain';

const def = (actions: unknown[]) => WorkflowDefinitionSchema.parse({ name: 'x', trigger: { type: 'webhook' }, actions }).actions;
const find = { id: 'find', type: 'find_records', name: 'Open deals', object: 'deal' };
const mk = (id: string, data: Record<string, string>, name?: string) => ({ id, type: 'create_record', object: 'x', data, ...(name ? { name } : {}) });

describe('which steps a step may reference (one rule for the API and the picker)', () => {
  const actions = def([
    find,
    {
      id: 'loop',
      type: 'for_each',
      name: 'Each deal',
      items: '{{steps.find.output.items}}',
      steps: [
        mk('first', { n: '{{item.name}}' }),
        {
          id: 'check',
          type: 'condition',
          if: { all: [{ left: '{{item.amount}}', op: 'gt', right: 1 }] },
          then: [mk('big', { n: '{{steps.check.output.branch}}' })],
          else: [],
        },
      ],
    },
    mk('after', { n: '{{steps.loop.output.count}}' }),
  ]);

  it('inside a loop: earlier steps and the enclosing condition, never the loop itself', () => {
    expect(stepsRunBefore(actions, [1, 'steps', 0])).toEqual(['find']);
    expect(stepsRunBefore(actions, [1, 'steps', 1, 'then', 0])).toEqual(['find', 'first', 'check']);
    expect(stepsRunBefore(actions, [2])).toEqual(['find', 'loop']);
    // The loop's own Items is resolved before it runs: it sees the steps before it.
    expect(stepsRunBefore(actions, [1])).toEqual(['find']);
  });

  it('a workflow that follows the rule is accepted', () => {
    expect(validateStepReferences(actions)).toEqual([]);
  });

  it("a step inside a loop cannot use the loop's own output; the error names the step and the field by label", () => {
    const bad = def([
      find,
      {
        id: 'loop',
        type: 'for_each',
        name: 'Each deal',
        items: '{{steps.find.output.items}}',
        steps: [
          {
            id: 'check',
            type: 'condition',
            if: { all: [{ left: '{{item.amount}}', op: 'gt', right: 1 }] },
            then: [mk('tag', { n: '{{steps.loop.output.count}}' }, 'Tag it')],
            else: [],
          },
        ],
      },
    ]);
    const errors = validateStepReferences(bad);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'invalid_reference',
      path: 'actions[1].steps[0].then[0].data',
      message:
        'Step "Tag it", field "Fields": {{steps.loop…}}: this step runs inside the loop "Each deal", whose output is only known once every item has run; use {{item}} for the current item',
    });
    expect(errors[0]!.problem).toMatch(/^\{\{steps\.loop…\}\}: this step runs inside the loop "Each deal"/);
    // The API refuses it at save, with the same message.
    const draft = { name: 'x', trigger: { type: 'webhook' }, actions: bad };
    expect(() => checkDraft(draft)).toThrow(InvalidInputError);
    try {
      checkDraft(draft);
    } catch (e) {
      expect((e as InvalidInputError).code).toBe('invalid_reference');
      expect((e as InvalidInputError).issues[0]).toEqual({ code: 'invalid_reference', message: errors[0]!.message, path: errors[0]!.path });
    }
  });

  it('inside a condition the condition is still offered; a loop inside a condition sees the condition, not itself', () => {
    const nested = def([
      {
        id: 'check',
        type: 'condition',
        if: { all: [{ left: 1, op: 'eq', right: 1 }] },
        then: [
          {
            id: 'loop',
            type: 'for_each',
            items: '{{trigger.body.list}}',
            steps: [mk('in', { a: '{{steps.check.output.branch}}', b: '{{steps.loop.output}}' })],
          },
        ],
        else: [],
      },
    ]);
    expect(stepsRunBefore(nested, [0, 'then', 0, 'steps', 0])).toEqual(['check']);
    expect(validateStepReferences(nested).map((e) => e.path)).toEqual(['actions[0].then[0].steps[0].data']);
  });

  it('other refusals keep their reasons', () => {
    const errors = validateStepReferences(def([mk('a', { x: '{{steps.b.output}}', y: '{{steps.nope.output}}', z: '{{steps.a.output}}' }), mk('b', {})]));
    expect(errors.map((e) => e.problem)).toEqual([
      '{{steps.b…}}: Create record "b" does not run before this one',
      '{{steps.nope…}}: there is no step "nope"',
      '{{steps.a…}}: a step cannot use its own output',
    ]);
  });
});

describe('output fields declared per action type', () => {
  it('every type declares its output (null only for a script), and find_records names its list', () => {
    for (const type of ACTION_TYPES) expect(ACTION_OUTPUTS[type] === null ? type : 'declared').toBe(type === 'run_script' ? 'run_script' : 'declared');
    expect(outputFieldsOf('find_records')?.map((f) => [f.key, f.kind])).toEqual([
      ['items', 'list'],
      ['count', 'number'],
      ['first', 'object'],
      ['hasMore', 'boolean'],
    ]);
  });

  it("match docs/runtime.md's table of outputs", () => {
    const doc = readFileSync(new URL('../../docs/runtime.md', import.meta.url), 'utf8');
    for (const type of ACTION_TYPES) {
      const fields = outputFieldsOf(type);
      if (!fields) continue;
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${type}\` |`));
      expect(row, type).toBeDefined();
      const shape = /`\{ ([^}]*) \}`[^|]*\|\s*$/.exec(row!)?.[1];
      const documented = shape!.split(',').map((k) => k.trim().replace(/:.*$/, ''));
      // The table lists the fields every run has; a field only present sometimes (a loop's `truncated`) is noted beside it.
      expect(
        fields
          .map((f) => f.key)
          .filter((k) => !(type === 'for_each' && k === 'truncated'))
          .sort(),
        type,
      ).toEqual(documented.sort());
    }
  });
});

describe('a loop over a step output that is not a list', () => {
  const loopOver = (items: string, extra: unknown[] = []) => def([find, ...extra, { id: 'loop', type: 'for_each', items, steps: [] }]);

  it("flags Find records' whole output and names the list to use", () => {
    expect(loopItemsProblems(loopOver('{{steps.find.output}}'))).toEqual([
      {
        path: 'actions[1].items',
        problem: '"Open deals" returns an object (items, count, first, hasMore), not a list: loop over {{steps.find.output.items}}',
      },
    ]);
    expect(loopItemsProblems(loopOver(' {{ steps.find.output }} '))).toHaveLength(1);
  });

  it('flags a field that is not a list, and not the list, a function, a script or a list written out', () => {
    expect(loopItemsProblems(loopOver('{{steps.find.output.count}}'))[0]?.problem).toBe(
      '{{steps.find.output.count}} is a number (how many were found), not a list: loop over {{steps.find.output.items}}',
    );
    expect(loopItemsProblems(loopOver('{{steps.find.output.items}}'))).toEqual([]);
    expect(loopItemsProblems(loopOver('{{steps.find.output | default: "[]"}}'))).toEqual([]);
    expect(loopItemsProblems(loopOver('{{steps.s.output}}', [{ id: 's', type: 'run_script', code: 'return [1]' }]))).toEqual([]);
    expect(loopItemsProblems(def([{ id: 'loop', type: 'for_each', items: [1, 2], steps: [] }]))).toEqual([]);
  });

  it('a step without a list in its output says so, without a suggestion', () => {
    expect(loopItemsProblems(def([mk('add', {}), { id: 'loop', type: 'for_each', items: '{{steps.add.output}}', steps: [] }]))[0]?.problem).toBe(
      'Create record "add" returns an object (id, object, record), not a list',
    );
  });

  it('inner loops are checked too', () => {
    const actions = def([
      find,
      {
        id: 'outer',
        type: 'for_each',
        items: '{{steps.find.output.items}}',
        steps: [{ id: 'inner', type: 'for_each', items: '{{steps.find.output.first}}', steps: [] }],
      },
    ]);
    expect(loopItemsProblems(actions).map((p) => p.path)).toEqual(['actions[1].steps[0].items']);
    const ids: string[] = [];
    walkActions(actions, (a: WorkflowAction) => ids.push(a.id));
    expect(ids).toEqual(['find', 'outer', 'inner']);
  });
});
