import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowActionInput } from '@conduit/core/definition';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Each attempt and how it must end: an error matching the pattern, or a harmless output. */
const ATTEMPTS: [string, string, RegExp | ((out: unknown) => boolean)][] = [
  ['infinite loop', 'while (true) {}', /CPU time limit/],
  ['microtask loop', 'for (;;) await null', /CPU time limit/],
  ['memory bomb', 'const a = []; for (;;) a.push(new Array(1e5).fill(1))', /memory limit|CPU time limit/],
  ['string doubling', 'let s = "x"; for (;;) s += s', /memory limit|string too long|CPU time limit/],
  ['deep recursion', 'function f() { return f() + 1 } return f()', /stack overflow/],
  ['huge output', 'return "x".repeat(2e6)', /output is \d+ bytes; the limit is/],
  ['constructor chain to process', 'return this.constructor.constructor("return typeof process")()', (o) => o === 'undefined'],
  [
    'input constructor chain',
    'return input.constructor.constructor("return typeof require + typeof process + typeof globalThis.process")()',
    (o) => o === 'undefinedundefinedundefined',
  ],
  ['require', 'return require("fs").readFileSync("/etc/passwd", "utf8")', /ReferenceError/],
  ['dynamic import', 'const fs = await import("fs"); return fs.readFileSync("/etc/passwd", "utf8")', /Error/],
  ['fetch', 'return await fetch("http://169.254.169.254/")', /ReferenceError/],
  ['timers', 'await new Promise((r) => setTimeout(r, 10)); return 1', /ReferenceError/],
  ['never-settling promise', 'await new Promise(() => {})', /never finished/],
  [
    'environment',
    'return typeof process === "undefined" && typeof std === "undefined" && typeof os === "undefined" && typeof Deno === "undefined"',
    (o) => o === true,
  ],
  ['prototype pollution', 'Object.prototype.polluted = "yes"; Array.prototype.push = null; return 1', (o) => o === 1],
  ['getter bomb in result', 'return new Proxy({}, { ownKeys() { for (;;) {} } })', /CPU time limit/],
  ['function result', 'return () => 1', /not JSON/],
  ['throw a non-error', 'throw 42', /42/],
  ['syntax error', 'return (1 + ;', /SyntaxError.*line 1/],
  ['log flood', 'for (let i = 0; i < 5000; i++) console.log("line", i); return "done"', (o) => o === 'done'],
];

describe('run_script sandbox', () => {
  it(`contains ${ATTEMPTS.length} escape and exhaustion attempts while the worker stays healthy`, async () => {
    expect(ATTEMPTS.length).toBeGreaterThanOrEqual(15);
    const actions: WorkflowActionInput[] = ATTEMPTS.map(([, code], i) => ({
      id: `a${i}`,
      type: 'run_script',
      code,
      cpuMs: 800,
      memoryMb: 32,
      onFailure: 'continue',
    }));
    actions.push({ id: 'healthy', type: 'run_script', code: 'console.log("still fine"); return { sum: input.steps.a6.output === "undefined" ? 2 : 0 }' });
    const r = await h.startRun(actions);
    const result = await r.handle.result();
    expect(result.status).toBe('completed');
    const s = await h.steps(r.executionId);
    ATTEMPTS.forEach(([name, , want], i) => {
      const step = s[`a${i}`]!;
      if (typeof want === 'function') {
        expect(step.status, `${name}: ${step.error}`).toBe('completed');
        expect(want(step.output), `${name}: ${JSON.stringify(step.output)}`).toBe(true);
      } else {
        expect(step.status, name).toBe('failed');
        expect(step.error, name).toMatch(want);
      }
    });
    expect(s.healthy).toMatchObject({ status: 'completed', output: { sum: 2 } });
    expect((s.healthy!.input as { logs: string[] }).logs).toEqual(['still fine']);
    // The host was not touched.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof [].push).toBe('function');
    expect((s.a19!.input as { logs: string[] }).logs.length).toBe(200);
  });

  it('adds little per call once warm', async () => {
    const r = await h.startRun(Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, type: 'run_script' as const, code: `return ${i}` })));
    expect((await r.handle.result()).status).toBe('completed');
    const s = await h.steps(r.executionId);
    expect(Object.values(s).map((x) => x.output)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
