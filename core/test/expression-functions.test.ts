import { afterEach, describe, expect, it, vi } from 'vitest';
import { FUNCTIONS, expressionProblems, previewTemplate, resolveTemplate, templateProblems, type TemplateContext } from '../src/expressions';
import { WorkflowDefinitionSchema } from '../src/definition';
import { validateTemplates } from '../src/api';
import { checkDraft, InvalidInputError } from '../src/domain';

const ctx: TemplateContext = {
  trigger: {
    at: '2026-03-29T10:30:00Z',
    later: '2026-04-02T22:30:00Z',
    price: 1234.5678,
    neg: -2.5,
    name: '  Crème Brûlée à la Carte!  ',
    csv: 'a, b ,c',
    tags: ['x', 'y', 'x', 'z'],
    nums: [3, '7', 1, 'n/a', 9],
    deals: [
      { name: 'A', stage: 'won', amount: 10 },
      { name: 'B', stage: 'lost', amount: 5 },
      { name: 'C', stage: 'won', amount: 2.5 },
    ],
    empty: '',
    zone: 'Europe/Paris',
  },
  steps: {},
  item: { id: 'i1', n: 4 },
  index: 2,
};
const t = (expr: string) => resolveTemplate(`{{${expr}}}`, ctx);

afterEach(() => {
  vi.useRealTimers();
});

describe('expression functions', () => {
  it('now is the current instant as ISO text', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-05-01T08:00:00Z'));
    expect(t('now')).toBe('2026-05-01T08:00:00.000Z');
    expect(t('now | date_add: 1, "day" | format_date: "yyyy-MM-dd"')).toBe('2026-05-02');
  });

  it('date_add and date_subtract take an amount and unit or an ISO duration, calendar-aware', () => {
    expect(t('trigger.at | date_add: 3, "days"')).toBe('2026-04-01T10:30:00.000Z');
    expect(t('trigger.at | date_add: "P1M"')).toBe('2026-04-29T10:30:00.000Z');
    expect(t('"2026-01-31T00:00:00Z" | date_add: 1, "month"')).toBeNull(); // a literal is not a path
    expect(resolveTemplate('{{trigger.at | date_add: 2, "h"}}', ctx)).toBe('2026-03-29T12:30:00.000Z');
    expect(t('trigger.at | date_subtract: 1, "week"')).toBe('2026-03-22T10:30:00.000Z');
    expect(t('trigger.at | date_subtract: "PT30M"')).toBe('2026-03-29T10:00:00.000Z');
    expect(t('trigger.at | date_add: 1, "fortnights"')).toBeNull();
    expect(t('trigger.name | date_add: 1, "day"')).toBeNull();
  });

  it('start_of a day, week, month in a time zone (DST day in Paris)', () => {
    expect(t('trigger.at | start_of: "day", "Europe/Paris"')).toBe('2026-03-29T00:00:00.000+01:00');
    expect(t('trigger.at | start_of: "day"')).toBe('2026-03-29T00:00:00.000Z');
    expect(t('trigger.at | start_of: "week", "UTC"')).toBe('2026-03-23T00:00:00.000Z');
    expect(t('trigger.later | start_of: "month", "Asia/Tokyo"')).toBe('2026-04-01T00:00:00.000+09:00');
    expect(t('trigger.at | start_of: "month", trigger.zone')).toBe('2026-03-01T00:00:00.000+01:00');
    expect(t('trigger.at | start_of: "decade"')).toBeNull();
  });

  it('format_date with a pattern, zone and locale', () => {
    expect(t('trigger.at | format_date: "yyyy-MM-dd HH:mm"')).toBe('2026-03-29 10:30');
    expect(t('trigger.at | format_date: "yyyy-MM-dd HH:mm", "Europe/Paris"')).toBe('2026-03-29 12:30');
    expect(t('trigger.at | format_date: "d MMMM", "UTC", "fr"')).toBe('29 mars');
    expect(t('trigger.nope | format_date: "yyyy"')).toBeNull();
  });

  it('date_diff in a unit', () => {
    expect(t('trigger.later | date_diff: trigger.at, "days"')).toBe(4.5);
    expect(t('trigger.later | date_diff: trigger.at, "hours"')).toBe(108);
    expect(t('trigger.at | date_diff: trigger.later')).toBe(-4.5);
    expect(t('trigger.at | date_diff: "nonsense"')).toBeNull();
  });

  it('round, floor, ceil with decimals', () => {
    expect(t('trigger.price | round')).toBe(1235);
    expect(t('trigger.price | round: 2')).toBe(1234.57);
    expect(resolveTemplate('{{ trigger.x | round: 2 }}', { trigger: { x: 1.005 }, steps: {} })).toBe(1.01);
    expect(t('trigger.neg | round')).toBe(-3);
    expect(t('trigger.price | floor: 1')).toBe(1234.5);
    expect(t('trigger.price | ceil')).toBe(1235);
    expect(t('trigger.name | round')).toBeNull();
  });

  it('min, max and sum over lists (non-numbers ignored), or against an argument', () => {
    expect(t('trigger.nums | min')).toBe(1);
    expect(t('trigger.nums | max')).toBe(9);
    expect(t('trigger.nums | sum')).toBe(20);
    expect(t('trigger.deals | sum: "amount"')).toBe(17.5);
    expect(t('trigger.price | min: 100')).toBe(100);
    expect(t('trigger.price | max: 100')).toBe(1234.5678);
    expect(t('trigger.empty | min')).toBeNull();
  });

  it('format_number in a locale', () => {
    expect(t('trigger.price | format_number')).toBe('1,234.568');
    expect(t('trigger.price | format_number: "de-DE", 2')).toBe('1.234,57');
    expect(t('trigger.price | format_number: "en-US", 0')).toBe('1,235');
    expect(t('trigger.name | format_number')).toBeNull();
  });

  it('lower, upper, trim (the first filters) still work', () => {
    expect(t('trigger.name | trim | upper')).toBe('CRÈME BRÛLÉE À LA CARTE!');
    expect(t('trigger.name | trim | lower')).toBe('crème brûlée à la carte!');
    expect(t('trigger.price | upper')).toBe(1234.5678);
  });

  it('split, join, replace, slug, truncate', () => {
    expect(t('trigger.csv | split')).toEqual(['a', 'b', 'c']);
    expect(t('trigger.csv | split: ", "')).toEqual(['a', 'b ,c']);
    expect(t('trigger.tags | join')).toBe('x, y, x, z');
    expect(t('trigger.tags | join: "-"')).toBe('x-y-x-z');
    expect(t('trigger.csv | replace: ",", ";"')).toBe('a; b ;c');
    expect(t('trigger.name | slug')).toBe('creme-brulee-a-la-carte');
    expect(t('trigger.name | trim | truncate: 10')).toBe('Crème Brû…');
    expect(t('trigger.name | trim | truncate: 10, "..."')).toBe('Crème B...');
    expect(t('trigger.csv | truncate: 100')).toBe('a, b ,c');
  });

  it('length, first, last, pluck, where, unique over lists', () => {
    expect(t('trigger.tags | length')).toBe(4);
    expect(t('trigger.tags | first')).toBe('x');
    expect(t('trigger.tags | last')).toBe('z');
    expect(t('trigger.deals | pluck: "name"')).toEqual(['A', 'B', 'C']);
    expect(t('trigger.deals | where: "stage", "won" | pluck: "name"')).toEqual(['A', 'C']);
    expect(t('trigger.deals | where: "amount", "5" | length')).toBe(1);
    expect(t('trigger.tags | unique')).toEqual(['x', 'y', 'z']);
    expect(t('trigger.deals | where: "stage", "won" | sum: "amount"')).toBe(12.5);
    expect(t('trigger.name | first')).toBeNull();
  });

  it('default keeps a comma inside its one argument', () => {
    expect(t('trigger.empty | default: Hello, world')).toBe('Hello, world');
    expect(t('trigger.nope | default: 0')).toBe(0);
    expect(t('trigger.tags | default: "x"')).toEqual(['x', 'y', 'x', 'z']);
  });

  it('item and index inside a loop, and paths as arguments', () => {
    expect(t('item.n | max: index')).toBe(4);
    expect(t('index')).toBe(2);
    expect(resolveTemplate('#{{index}}: {{item.id | upper}}', ctx)).toBe('#2: I1');
  });

  it('every function is covered by a test above', () => {
    const src = expect.getState().testPath ?? '';
    expect(src).toContain('expression-functions');
    expect(Object.keys(FUNCTIONS).sort()).toEqual(
      [
        'ceil',
        'date_add',
        'date_diff',
        'date_subtract',
        'default',
        'first',
        'floor',
        'format_date',
        'format_number',
        'join',
        'json',
        'last',
        'length',
        'lower',
        'max',
        'min',
        'number',
        'pluck',
        'replace',
        'round',
        'slug',
        'split',
        'start_of',
        'sum',
        'trim',
        'truncate',
        'unique',
        'upper',
        'where',
      ].sort(),
    );
  });
});

describe('refusing bad functions at save', () => {
  it('names unknown functions and wrong argument counts', () => {
    expect(expressionProblems('trigger.a | slugify')).toEqual(['unknown function "slugify"']);
    expect(expressionProblems('trigger.a | replace: "x"')).toEqual(['"replace" takes 2 arguments, not 1']);
    expect(expressionProblems('trigger.a | round: 1, 2')).toEqual(['"round" takes 0 to 1 argument, not 2']);
    expect(templateProblems({ a: ['Hi {{ trigger.a | upper }} {{trigger.b | nope}}'] })).toEqual(['unknown function "nope"']);
  });

  it('checkDraft refuses them naming the step and the field by their labels', () => {
    const draft = {
      name: 'x',
      trigger: { type: 'webhook' },
      actions: [{ id: 'mail', name: 'Welcome mail', type: 'send_email', to: 'a@b.co', subject: '{{trigger.name | titlecase}}', body: 'x' }],
    };
    try {
      checkDraft(draft);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect((e as InvalidInputError).issues[0]).toEqual({
        code: 'invalid_template',
        path: 'actions[0].subject',
        message: 'Step "Welcome mail", field "Subject": unknown function "titlecase"',
      });
    }
  });

  it('item and index outside a loop are refused; inside one they are fine; loops nest 3 deep at most', () => {
    const def = (actions: unknown[]) => WorkflowDefinitionSchema.parse({ name: 'x', trigger: { type: 'webhook' }, actions });
    const outside = def([{ id: 'mk', type: 'create_record', object: 'x', data: { n: '{{index}}' } }]);
    expect(validateTemplates(outside.actions).map((e) => e.message)).toEqual([
      'Step Create record "mk", field "Data": {{index}} is only known inside a "For each" loop',
    ]);
    const inside = def([
      { id: 'l', type: 'for_each', items: '{{trigger.list}}', steps: [{ id: 'mk', type: 'create_record', object: 'x', data: { n: '{{index}}' } }] },
    ]);
    expect(validateTemplates(inside.actions)).toEqual([]);
    const loop = (id: string, steps: unknown[]) => ({ id, type: 'for_each', items: '{{trigger.list}}', steps });
    expect(WorkflowDefinitionSchema.safeParse({ name: 'x', trigger: { type: 'webhook' }, actions: [loop('a', [loop('b', [loop('c', [])])])] }).success).toBe(
      true,
    );
    const deep = WorkflowDefinitionSchema.safeParse({
      name: 'x',
      trigger: { type: 'webhook' },
      actions: [loop('a', [loop('b', [loop('c', [loop('d', [])])])])],
    });
    expect(deep.success).toBe(false);
    expect(deep.error!.issues[0]!.message).toBe('loops may nest at most 3 deep; move this loop out of the one around it');
  });

  it('for_each settings are bounded', () => {
    const parse = (extra: object) =>
      WorkflowDefinitionSchema.safeParse({
        name: 'x',
        trigger: { type: 'webhook' },
        actions: [{ id: 'l', type: 'for_each', items: '{{trigger.list}}', steps: [], ...extra }],
      });
    expect(parse({}).data?.actions[0]).toMatchObject({ concurrency: 1, maxItems: 1000 });
    expect(parse({ concurrency: 11 }).success).toBe(false);
    expect(parse({ concurrency: 0 }).success).toBe(false);
    expect(parse({ maxItems: 10_001 }).success).toBe(false);
    expect(parse({ maxItems: 10_000 }).success).toBe(true);
  });
});

describe('previewTemplate (what a person reads before a live run)', () => {
  it('fills what the context knows and leaves the rest as written', () => {
    const preview = previewTemplate(
      { to: '{{trigger.record.email}}', subject: 'Hi {{ trigger.record.name | upper }}, {{steps.lookup.output.plan}}', key: '{{secrets.API_KEY}}', n: 3 },
      { trigger: { record: { email: 'ada@example.com', name: 'Ada' } }, steps: {} },
    );
    expect(preview).toEqual({ to: 'ada@example.com', subject: 'Hi ADA, {{steps.lookup.output.plan}}', key: '{{secrets.API_KEY}}', n: 3 });
  });
});
