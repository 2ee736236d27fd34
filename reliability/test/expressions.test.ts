import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateExpression, resolveString, resolveTemplate, type TemplateContext } from '@conduit/core/expressions';
import type { Json } from '@conduit/core/definition';
import { INHERITED_NAMES, PROTO_KEYS, pollutingJson, prototypePolluted } from '../src/hostile/values';
import { trackFamily } from '../src/testing/track';

const rec = trackFamily({
  family: 'templating',
  title: 'Templating escapes',
  command: 'npx vitest run --project reliability test/expressions.test.ts',
  notes: ['Expressions that try to leave the payload (prototype chains, built-ins, getters) must resolve to nothing.'],
});

const RUNS = 300;

/** The reference: what a path may reach — own data properties of JSON objects and arrays, never a proto key. */
function reference(root: unknown, segs: (string | number)[]): unknown {
  let cur = root;
  for (const s of segs) {
    if (typeof s === 'string' && (PROTO_KEYS as readonly string[]).includes(s)) return undefined;
    if (cur === null || typeof cur !== 'object') return undefined;
    const d = Object.getOwnPropertyDescriptor(cur, Array.isArray(cur) && s === 'length' ? 'length' : String(s));
    if (!d || !('value' in d)) return undefined;
    cur = d.value;
  }
  return cur;
}

const segment = fc.oneof(fc.constantFrom(...INHERITED_NAMES), fc.constantFrom('a', 'b', 'record', 'length', '0'), fc.nat({ max: 3 }));
const IDENT = /^[A-Za-z_$][\w$-]*$/;
const render = (segs: (string | number)[]) =>
  segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : !IDENT.test(s) ? `["${s}"]` : i === 0 ? s : `.${s}`)).join('');
const jsonCtx = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as Json);

describe('templating cannot leave the payload', () => {
  it('a path through prototype names or built-ins resolves only to own JSON data', () => {
    fc.assert(
      fc.property(jsonCtx, fc.array(segment, { minLength: 1, maxLength: 4 }), (trigger, segs) => {
        rec.add('expressions tried');
        const ctx: TemplateContext = { trigger, steps: {} };
        const path = ['trigger', ...segs];
        const got = evaluateExpression(render(path), ctx);
        expect(typeof got).not.toBe('function');
        expect(got).toEqual(reference(ctx, path));
        if (got === undefined) rec.add('expressions resolved to nothing');
      }),
      { numRuns: RUNS },
    );
  });

  it('payloads carrying __proto__ / constructor keys never reach the prototype and never pollute it', () => {
    fc.assert(
      fc.property(pollutingJson(), fc.constantFrom(...PROTO_KEYS), (text, key) => {
        rec.add('polluting payloads tried');
        const trigger = JSON.parse(text) as Json;
        const ctx: TemplateContext = { trigger, steps: { s: { output: trigger } } };
        for (const expr of [
          `trigger.${key}`,
          `trigger.${key}.polluted`,
          `trigger["${key}"]`,
          `steps.s.output.${key}.prototype`,
          `trigger.constructor.prototype.polluted`,
        ])
          expect(evaluateExpression(expr, ctx)).toBeUndefined();
        expect(resolveString(`x{{trigger.${key}}}y`, ctx)).toBe('xy');
        const cond = evaluateCondition({ all: [{ left: `{{trigger.${key}.polluted}}`, op: 'exists' }] }, ctx);
        expect(cond.result).toBe(false);
        expect(prototypePolluted()).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('function-call and code-looking expressions are text, never evaluated', () => {
    const ctx: TemplateContext = { trigger: { a: 1 }, steps: {} };
    for (const expr of [
      'constructor.constructor("return process")()',
      'trigger.a.constructor',
      'this',
      'globalThis',
      'process.env',
      'trigger.toString()',
      'trigger["constructor"]["constructor"]',
      "trigger['__proto__']",
      'trigger.a.__proto__.toFixed',
    ]) {
      rec.add('expressions tried');
      expect(evaluateExpression(expr, ctx)).toBeUndefined();
      rec.add('expressions resolved to nothing');
    }
  });

  it('filters cannot be named after inherited properties', () => {
    const ctx: TemplateContext = { trigger: { a: 'x' }, steps: {} };
    for (const f of INHERITED_NAMES) {
      rec.add('expressions tried');
      // An unknown filter leaves the value as it was: never calls Object.prototype.<name>.
      expect(evaluateExpression(`trigger.a | ${f}`, ctx)).toBe('x');
    }
  });

  // Found by this suite and fixed: getPath reads only data properties, so a getter never runs.
  it('an own getter on the context is never invoked', () => {
    let calls = 0;
    const trigger = {};
    Object.defineProperty(trigger, 'g', {
      enumerable: true,
      get: () => {
        calls++;
        return 'from a getter';
      },
    });
    rec.add('expressions tried');
    expect(evaluateExpression('trigger.g', { trigger, steps: {} })).toBeUndefined();
    expect(calls).toBe(0);
  });

  // Found by this suite and fixed: resolveTemplate defines keys, so "__proto__" stays data.
  it('resolveTemplate keeps a "__proto__" key as data and leaves the output a plain object', () => {
    const value = JSON.parse('{"__proto__":{"isAdmin":true},"k":"v"}') as Json;
    const out = resolveTemplate(value, { trigger: {}, steps: {} }) as Record<string, unknown>;
    rec.add('polluting payloads tried');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'k']);
  });
});
