import { describe, expect, it } from 'vitest';
import { COMPARISON_OPS, type ComparisonOp, type ConditionGroup } from '../src/definition';
import { evaluateCondition, extractReferences, referencedSteps, resolveTemplate, secretParts, secretReferences } from '../src/expressions';

const ctx = {
  trigger: {
    kind: 'record',
    record: {
      id: 'r1',
      name: 'Acme',
      amount: 12000,
      email: 'a@x.io',
      tags: ['vip', 'eu'],
      owner: { name: 'Ann' },
      empty: '',
      closedAt: '2026-01-02T00:00:00Z',
    },
    changed: ['stage', 'amount'],
  },
  steps: { score: { status: 'completed', output: { score: 12, items: [{ n: 1 }, { n: 2 }] } } },
};

describe('resolveTemplate', () => {
  it('keeps the JSON type of a value that is exactly one template', () => {
    expect(resolveTemplate('{{trigger.record.amount}}', ctx)).toBe(12000);
    expect(resolveTemplate(' {{ trigger.record.tags }} ', ctx)).toEqual(['vip', 'eu']);
    expect(resolveTemplate('{{steps.score.output}}', ctx)).toEqual({ score: 12, items: [{ n: 1 }, { n: 2 }] });
  });
  it('interpolates mixed text as strings', () => {
    expect(resolveTemplate('Big win: {{trigger.record.name}} ({{trigger.record.amount}})', ctx)).toBe('Big win: Acme (12000)');
    expect(resolveTemplate('owner={{trigger.record.owner}}', ctx)).toBe('owner={"name":"Ann"}');
  });
  it('resolves nested objects, arrays and indices', () => {
    expect(resolveTemplate({ a: ['{{steps.score.output.items[1].n}}', 'x'], b: { c: '{{trigger.record.owner.name}}' }, n: 5, z: null }, ctx)).toEqual({
      a: [2, 'x'],
      b: { c: 'Ann' },
      n: 5,
      z: null,
    });
  });
  it('resolves missing paths to undefined (dropped) or empty text', () => {
    expect(resolveTemplate('{{trigger.record.nope.deeper}}', ctx)).toBeUndefined();
    expect(resolveTemplate('x{{steps.missing.output}}y', ctx)).toBe('xy');
    expect(resolveTemplate({ keep: 1, gone: '{{trigger.nope}}' }, ctx)).toEqual({ keep: 1 });
    expect(resolveTemplate(['{{trigger.nope}}'], ctx)).toEqual([null]);
  });
  it('never reaches the prototype chain', () => {
    for (const p of [
      'trigger.__proto__',
      'trigger.constructor',
      'trigger.record.constructor.name',
      'steps.toString',
      'trigger.record.tags.constructor',
      'trigger.record.name.length',
      'trigger["__proto__"]',
      'steps.prototype',
      'trigger.hasOwnProperty',
    ])
      expect(resolveTemplate(`{{${p}}}`, ctx), p).toBeUndefined();
  });
  it('applies simple filters', () => {
    expect(resolveTemplate('{{trigger.record.name | upper}}', ctx)).toBe('ACME');
    expect(resolveTemplate('{{trigger.record.nope | default: "n/a"}}', ctx)).toBe('n/a');
    expect(resolveTemplate('{{trigger.record.tags | length}}', ctx)).toBe(2);
    expect(resolveTemplate('{{trigger.record.owner | json}}', ctx)).toBe('{"name":"Ann"}');
  });
  it('extracts references', () => {
    const v = { url: 'https://x/{{trigger.record.id}}', body: { s: '{{steps.score.output.score | number}}', t: ['{{ steps.other.output }}'] } };
    expect(extractReferences(v)).toEqual(['trigger.record.id', 'steps.score.output.score', 'steps.other.output']);
    expect(referencedSteps(v)).toEqual(['score', 'other']);
  });
});

const cmp = (left: unknown, op: ComparisonOp, right?: unknown) =>
  evaluateCondition({ all: [{ left, op, ...(right === undefined ? {} : { right }) } as never] }, ctx).result;

describe('evaluateCondition', () => {
  it('covers every operator', () => {
    const cases: Record<ComparisonOp, [unknown, unknown, boolean][]> = {
      eq: [
        ['{{trigger.record.name}}', 'Acme', true],
        ['{{trigger.record.amount}}', '12000', true],
        ['{{trigger.record.name}}', 'acme', false],
      ],
      neq: [
        ['{{trigger.record.name}}', 'Other', true],
        ['{{trigger.record.amount}}', 12000, false],
      ],
      gt: [
        ['{{trigger.record.amount}}', 10000, true],
        ['{{trigger.record.amount}}', 12000, false],
        ['{{trigger.nope}}', 1, false],
      ],
      gte: [
        ['{{trigger.record.amount}}', 12000, true],
        ['{{trigger.record.amount}}', 12001, false],
      ],
      lt: [
        ['{{trigger.record.closedAt}}', '2026-02-01T00:00:00Z', true],
        ['{{trigger.record.amount}}', 5, false],
      ],
      lte: [
        ['{{trigger.record.amount}}', '12000', true],
        ['{{trigger.record.amount}}', 11999, false],
      ],
      contains: [
        ['{{trigger.record.tags}}', 'vip', true],
        ['{{trigger.record.email}}', '@x.io', true],
        ['{{trigger.record.tags}}', 'us', false],
      ],
      not_contains: [
        ['{{trigger.record.tags}}', 'us', true],
        ['{{trigger.record.name}}', 'cm', false],
      ],
      starts_with: [
        ['{{trigger.record.email}}', 'a@', true],
        ['{{trigger.record.email}}', 'b', false],
      ],
      in: [
        ['{{trigger.record.name}}', ['Acme', 'Foo'], true],
        ['{{trigger.record.name}}', ['Foo'], false],
      ],
      exists: [
        ['{{trigger.record.name}}', undefined, true],
        ['{{trigger.record.nope}}', undefined, false],
      ],
      is_empty: [
        ['{{trigger.record.empty}}', undefined, true],
        ['{{trigger.record.nope}}', undefined, true],
        ['{{trigger.record.tags}}', undefined, false],
      ],
      changed: [
        ['stage', undefined, true],
        ['{{trigger.record.amount}}', undefined, true],
        ['record.name', undefined, false],
      ],
    };
    for (const op of COMPARISON_OPS) {
      expect(cases[op].length, op).toBeGreaterThan(1);
      for (const [l, r, want] of cases[op]) expect(cmp(l, op, r), `${JSON.stringify(l)} ${op} ${JSON.stringify(r)}`).toBe(want);
    }
  });
  it('nests all/any groups and traces every comparison', () => {
    const group: ConditionGroup = {
      any: [
        {
          all: [
            { left: '{{trigger.record.amount}}', op: 'gt', right: 100000 },
            { left: '{{trigger.record.name}}', op: 'eq', right: 'Acme' },
          ],
        },
        { left: '{{steps.score.output.score}}', op: 'gte', right: 10 },
      ],
    };
    const { result, trace } = evaluateCondition(group, ctx);
    expect(result).toBe(true);
    expect(trace.map((t) => [t.path, t.result])).toEqual([
      ['any[0].all[0]', false],
      ['any[0].all[1]', true],
      ['any[1]', true],
    ]);
    expect(trace[0]).toMatchObject({ op: 'gt', left: 12000, right: 100000 });
    expect(evaluateCondition({ all: [group, { left: '{{trigger.nope}}', op: 'exists' }] }, ctx).result).toBe(false);
  });
  it('changed is false when the trigger has no changed list', () => {
    expect(evaluateCondition({ all: [{ left: 'stage', op: 'changed' }] }, { trigger: { kind: 'webhook' }, steps: {} }).result).toBe(false);
  });
});

describe('secret references', () => {
  it('are left as written by the resolver, alone or inside text, while other templates resolve', () => {
    expect(resolveTemplate('{{secrets.API_KEY}}', ctx)).toBe('{{secrets.API_KEY}}');
    expect(resolveTemplate({ h: 'Bearer {{ secrets.API_KEY }} for {{trigger.record.name}}' }, ctx)).toEqual({ h: 'Bearer {{ secrets.API_KEY }} for Acme' });
    expect(secretParts('Bearer {{secrets.API_KEY}} for {{trigger.record.name}}', ctx)).toEqual(['Bearer ', { secret: 'API_KEY' }, ' for ', 'Acme']);
    expect(secretParts('{{trigger.record.name}}', ctx)).toBeNull();
    expect(secretReferences({ a: ['{{secrets.A}}', 'x {{secrets.B}} {{secrets.A}}'], b: '{{trigger.x}}' })).toEqual(['A', 'B']);
  });

  it('data that looks like a reference is text: its pieces never name a secret', () => {
    const data = { trigger: { note: '{{secrets.OTHER}}' }, steps: {} };
    expect(secretParts('k={{secrets.MINE}}&n={{trigger.note}}', data)).toEqual(['k=', { secret: 'MINE' }, '&n=', '{{secrets.OTHER}}']);
  });
});
