import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDbKind } from '@conduit/local/testing';
import { diffSnapshots, snapshotDb } from '../src/db-snapshot';
import { fillPath, operationsOf, typeOf, type ApiOperation } from '../src/hostile/openapi';
import { hugeString, ODD_STRINGS, oddString, prototypePolluted, wrongType } from '../src/hostile/values';
import { createApiUnderTest, type ApiUnderTest, type Reply } from '../src/testing/api';
import { trackFamily } from '../src/testing/track';

const rec = trackFamily({
  family: 'api-fuzz',
  title: 'Settings API: fuzzed from its OpenAPI document, tenant isolation, roles',
  command: 'npx vitest run --project reliability test/api.test.ts',
  notes: [
    'Every operation of /api/openapi.json is called with path ids, query strings and JSON bodies built from its own',
    'schema: wrong types, huge sizes, odd Unicode, `__proto__`/`constructor` keys. Expected: never a 5xx; a refusal is',
    'a 4xx in the `{ error: { code, message, path? } }` shape, and leaves every table unchanged. Then every operation',
    "with another workspace's ids (404), without a session (401), with an expired or revoked API key (401), and admin",
    "operations with a member's session (403). On PGlite and on PostgreSQL.",
  ],
});

/** A valid body per operation, so a refusal is about the one thing a test changed. */
const VALID: Record<string, Record<string, unknown>> = {
  'POST /api/workspaces/{ws}/workflows': { name: 'fuzzed', trigger: { type: 'webhook' }, actions: [] },
  'PATCH /api/workspaces/{ws}/workflows/{id}': { name: 'fuzzed' },
  'POST /api/workspaces/{ws}/records/{object}': { data: { a: 1 } },
  'PATCH /api/workspaces/{ws}/records/{object}/{id}': { data: { a: 1 } },
  'POST /api/workspaces/{ws}/api-keys': { name: 'fuzzed' },
  'PUT /api/workspaces/{ws}/secrets/{name}': { value: 'fuzzed-secret-value' },
};

const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
type ErrorBody = { error?: { code?: unknown; message?: unknown; path?: unknown; issues?: unknown } };

/** Operations under /api/workspaces/{ws}: the ones tenant isolation and roles apply to. */
const scoped = (op: ApiOperation) => op.path.startsWith('/api/workspaces/{ws}');
/** Changing workflows and API keys, and anything about workspace secrets, is for admins only (ARCHITECTURE.md, Contracts). */
// A workflow's "run" is open to members when its manual trigger allows them (checked on its own route).
const adminOnly = (op: ApiOperation) =>
  (op.method !== 'GET' && /\/(workflows|api-keys)(\/|$)/.test(op.path) && !op.path.endsWith('/run')) || /\/secrets(\/|$)/.test(op.path);

describe.each<TestDbKind>(['pglite', 'pg'])('settings API on %s', (kind) => {
  let t: ApiUnderTest;
  let ops: ApiOperation[];
  let adminA: string;
  let memberA: string;
  /** Ids of real resources per tenant, by path parameter name and route family. */
  const ids: Record<'a' | 'b', Record<string, string>> = { a: {}, b: {} };

  beforeAll(async () => {
    t = await createApiUnderTest(kind);
    const doc = await t.call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    ops = operationsOf(doc.data);
    expect(ops.length).toBeGreaterThan(20);
    adminA = await t.login(t.a.admin.email);
    memberA = await t.login(t.a.member.email);
    const adminB = await t.login(t.b.admin.email);
    for (const [side, ws, cookie] of [
      ['a', t.a.id, adminA],
      ['b', t.b.id, adminB],
    ] as const) {
      const wf = await t.call('POST', `/api/workspaces/${ws}/workflows`, { cookie, json: { name: `wf ${side}`, trigger: { type: 'webhook' }, actions: [] } });
      expect(wf.status, wf.text).toBeLessThan(300);
      const rec = await t.call('POST', `/api/workspaces/${ws}/records/contact`, { cookie, json: { data: { name: `r ${side}` } } });
      expect(rec.status, rec.text).toBeLessThan(300);
      const key = await t.call('POST', `/api/workspaces/${ws}/api-keys`, { cookie, json: { name: `k ${side}` } });
      expect(key.status, key.text).toBeLessThan(300);
      ids[side] = {
        workflows: (wf.data as { id: string }).id,
        records: (rec.data as { id: string }).id,
        'api-keys': (key.data as { apiKey: { id: string } }).apiKey.id,
        // No execution or event exists yet: a random uuid is "someone else's id" as far as the caller can tell.
        executions: crypto.randomUUID(),
        events: crypto.randomUUID(),
      };
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Path values for an operation in one tenant: {ws}, {object}, and {id} of the route's family. */
  const pathFor = (op: ApiOperation, side: 'a' | 'b', overrides: Record<string, string> = {}) => {
    const family = /\/api\/workspaces\/\{ws\}\/([a-z-]+)/.exec(op.path)?.[1] ?? '';
    const values: Record<string, string> = {
      ws: side === 'a' ? t.a.id : t.b.id,
      object: 'contact',
      name: 'FUZZ_SECRET',
      version: '1',
      id: ids[side][family] ?? crypto.randomUUID(),
      ...overrides,
    };
    return fillPath(op.path, values);
  };

  /** The path an auth test calls: with the query a valid request needs (schedule-preview's cron). */
  const authPath = (op: ApiOperation, side: 'a' | 'b', overrides: Record<string, string> = {}) =>
    pathFor(op, side, overrides) + (op.query.some((q) => q.name === 'cron') ? '?cron=0%209%20*%20*%20*&timezone=UTC' : '');
  /** The body an auth test sends: a valid one when known, so only the credentials are wrong. */
  const authBody = (op: ApiOperation) => (op.body ? { json: VALID[`${op.method} ${op.path}`] ?? {} } : {});
  /** Statuses an auth test accepts: the expected one, or 400 when no valid body is known (see the report). */
  const authStatus = (op: ApiOperation, status: number) => (op.body && !VALID[`${op.method} ${op.path}`] ? [status, 400] : status);

  /** A reply that is a well-formed refusal: 4xx with code and message, and the given status when known. */
  function expectRefusal(r: Reply, status?: number | number[]) {
    expect(r.status, `${r.status} ${r.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
    if (status !== undefined) expect([status].flat(), r.text.slice(0, 300)).toContain(r.status);
    const e = (r.data as ErrorBody | null)?.error;
    expect(typeof e?.code, r.text.slice(0, 300)).toBe('string');
    expect(typeof e?.message, r.text.slice(0, 300)).toBe('string');
  }

  async function unchanged(send: () => Promise<Reply>, check: (r: Reply) => void) {
    const before = await snapshotDb(t.db);
    const r = await send();
    rec.add('requests tried');
    check(r);
    if (r.status >= 400) {
      expect(diffSnapshots(before, await snapshotDb(t.db)), `${r.status} ${r.text.slice(0, 200)}`).toEqual([]);
      rec.add('requests refused, database unchanged');
    }
    return r;
  }

  it('without a session or key, every workspace operation is a 401 and changes nothing', async () => {
    for (const op of ops.filter(scoped)) {
      await unchanged(
        () => t.call(op.method, authPath(op, 'a'), authBody(op)),
        (r) => expectRefusal(r, authStatus(op, 401)),
      );
    }
  });

  it("another workspace's data is a 404, never the data, and changes nothing", async () => {
    for (const op of ops.filter(scoped)) {
      // A's admin, B's workspace and B's ids.
      await unchanged(
        () => t.call(op.method, authPath(op, 'b'), { cookie: adminA, ...authBody(op) }),
        (r) => {
          expectRefusal(r, authStatus(op, 404));
          expect(r.text).not.toContain(ids.b.workflows);
        },
      );
      // A's admin, A's workspace, B's ids.
      if (op.pathParams.includes('id')) {
        const family = /\/api\/workspaces\/\{ws\}\/([a-z-]+)/.exec(op.path)?.[1] ?? '';
        await unchanged(
          () => t.call(op.method, authPath(op, 'a', { id: ids.b[family] ?? crypto.randomUUID() }), { cookie: adminA, ...authBody(op) }),
          (r) => {
            expectRefusal(r, authStatus(op, 404));
            expect(r.text).not.toContain(`wf b`);
          },
        );
      }
    }
  });

  it("admin operations with a member's session are a 403 and change nothing", async () => {
    const adminOps = ops.filter((op) => scoped(op) && adminOnly(op));
    expect(adminOps.length).toBeGreaterThan(3);
    for (const op of adminOps) {
      await unchanged(
        () => t.call(op.method, authPath(op, 'a'), { cookie: memberA, ...authBody(op) }),
        (r) => expectRefusal(r, authStatus(op, 403)),
      );
    }
  });

  it('expired and revoked API keys are a 401 on every workspace operation', async () => {
    const expired = await t.apiKey(t.a.id, 'admin', new Date(Date.now() - 1_000));
    const revokedKey = await t.apiKey(t.a.id, 'admin');
    const revoke = await t.call('DELETE', `/api/workspaces/${t.a.id}/api-keys/${revokedKey.info.id}`, { cookie: adminA });
    expect(revoke.status, revoke.text).toBeLessThan(300);
    for (const op of ops.filter(scoped)) {
      for (const key of [expired.key, revokedKey.key, `${expired.key.slice(0, -1)}x`, 'cdk_', 'Bearer', `cdk_${'A'.repeat(300)}`]) {
        await unchanged(
          () => t.call(op.method, authPath(op, 'a'), { headers: { authorization: `Bearer ${key}` }, ...authBody(op) }),
          (r) => expectRefusal(r, authStatus(op, 401)),
        );
      }
    }
  });

  it('hostile path ids and query strings: a 4xx or an answer, never a 5xx; refusals change nothing', async () => {
    for (const op of ops.filter(scoped)) {
      await fc.assert(
        fc.asyncProperty(
          oddString(),
          fc.dictionary(
            fc.constantFrom(...op.query.map((q) => q.name), '__proto__', 'constructor'),
            fc.oneof(oddString(), fc.constant('-1'), fc.constant('1e309'), fc.constant('x'.repeat(5000))),
            { maxKeys: 3 },
          ),
          async (id, query) => {
            const qs = new URLSearchParams(Object.entries(query)).toString();
            let path: string;
            try {
              path = pathFor(op, 'a', op.pathParams.includes('id') ? { id } : op.pathParams.includes('object') ? { object: id } : {});
            } catch {
              return; // a lone surrogate cannot be URL-encoded by a client either
            }
            await unchanged(
              () => t.call(op.method, `${path}${qs ? `?${qs}` : ''}`, { cookie: adminA, ...(op.body ? { json: {} } : {}) }),
              (r) => {
                expect(r.status, `${op.method} ${path}?${qs}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
                if (r.status >= 400) expectRefusal(r);
              },
            );
          },
        ),
        { numRuns: RUNS },
      );
    }
  });

  it('wrong JSON types, huge and odd values per body field: a 4xx naming the field, database unchanged', async () => {
    for (const op of ops.filter((o) => scoped(o) && o.body?.properties)) {
      const base = VALID[`${op.method} ${op.path}`];
      for (const [field, schema] of Object.entries(op.body!.properties!)) {
        await fc.assert(
          fc.asyncProperty(wrongType(typeOf(schema)), async (bad) => {
            await unchanged(
              () => t.call(op.method, pathFor(op, 'a'), { cookie: adminA, json: { ...(base ?? {}), [field]: bad } }),
              (r) => {
                expect(r.status, `${op.method} ${op.path} ${field}=${JSON.stringify(bad)?.slice(0, 80)}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
                // A wrong type is refused; with an otherwise valid body the refusal names this field.
                const accepted = r.status < 300;
                if (!accepted) {
                  expectRefusal(r);
                  const e = (r.data as ErrorBody).error!;
                  if (base && r.status === 400)
                    expect(`${String(e.path ?? '')} ${String(e.message)} ${JSON.stringify(e.issues ?? '')}`, r.text.slice(0, 300)).toContain(field);
                } else {
                  rec.add('wrong-typed fields accepted (coerced or tolerated)');
                }
              },
            );
          }),
          { numRuns: RUNS },
        );
      }
      // The body as a whole of the wrong type.
      for (const whole of [[], 'text', 42, null, true]) {
        await unchanged(
          () => t.call(op.method, pathFor(op, 'a'), { cookie: adminA, json: whole }),
          (r) => expectRefusal(r, [400, 415, 422]),
        );
      }
    }
  });

  // Found by this suite and fixed: jsonb cannot store U+0000, so the API refuses it up front with
  // the field's path instead of failing at write time with a 5xx.
  it('a NUL character in a test-run payload is a 400 naming the payload, not a 503', async () => {
    const r = await t.call('POST', pathFor(ops.find((o) => o.path.endsWith('/test'))!, 'a'), { cookie: adminA, json: { payload: { note: 'a\u0000b' } } });
    rec.add('requests tried');
    expect(r.status, r.text).toBe(400);
  });

  it('malformed JSON, wrong content types and oversized bodies are refused; prototype keys pollute nothing', async () => {
    for (const op of ops.filter((o) => scoped(o) && o.body)) {
      const path = pathFor(op, 'a');
      for (const body of ['{', '{"a":}', '\u0000', '[1,2', '{"__proto__":', ...ODD_STRINGS.slice(0, 6)]) {
        await unchanged(
          () => t.call(op.method, path, { cookie: adminA, body, headers: { 'content-type': 'application/json' } }),
          (r) => expectRefusal(r),
        );
      }
      await unchanged(
        () => t.call(op.method, path, { cookie: adminA, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        (r) => expectRefusal(r),
      );
      const huge = fc.sample(hugeString(), { numRuns: 1, seed: 7 })[0]!;
      await unchanged(
        () => t.call(op.method, path, { cookie: adminA, json: { name: huge, data: { big: 'x'.repeat(2 * 1024 * 1024) } } }),
        (r) => expectRefusal(r),
      );
      for (const text of [
        '{"__proto__":{"polluted":true},"name":"p","data":{"a":1}}',
        '{"constructor":{"prototype":{"polluted":true}},"name":"p","data":{"__proto__":{"isAdmin":true}}}',
      ]) {
        await unchanged(
          () => t.call(op.method, path, { cookie: adminA, body: text, headers: { 'content-type': 'application/json' } }),
          (r) => {
            expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
          },
        );
        expect(prototypePolluted()).toBe(false);
      }
    }
  });
});
