import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app';
import { createTestApi, snapshot, webhookWorkflow, type TestApi } from './api-helpers';

/** Hostile and malformed requests: always a clear 4xx in the error format, never a 500, never a partial write. */
describe('bad input', () => {
  let t: TestApi;
  let admin: string;
  let base: string;
  beforeAll(async () => {
    t = await createTestApi('pglite');
    admin = await t.login(t.a.admin.email);
    base = `/api/workspaces/${t.a.id}/workflows`;
  });
  afterAll(() => t.close());

  const isError = (data: any) => typeof data?.error?.code === 'string' && typeof data?.error?.message === 'string';

  it('malformed JSON → 400 malformed_json', async () => {
    const before = await snapshot(t.db);
    const r = await t.call('POST', base, { cookie: admin, body: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.data.error.code).toBe('malformed_json');
    expect(await snapshot(t.db)).toBe(before);
  });

  it('a body that is not JSON → 415, on every writing route', async () => {
    const before = await snapshot(t.db);
    for (const [path, ct] of [
      [base, 'text/plain'],
      [base, 'application/x-www-form-urlencoded'],
      [`/api/workspaces/${t.a.id}/records/deal`, 'multipart/form-data; boundary=x'],
      ['/api/auth/login', 'text/plain'],
    ] as const) {
      const r = await t.call('POST', path, { cookie: admin, body: 'name=x', headers: { 'content-type': ct } });
      expect(r.status, `${path} ${ct}`).toBe(415);
      expect(isError(r.data)).toBe(true);
    }
    const none = await t.call('POST', base, { cookie: admin, body: JSON.stringify(webhookWorkflow) });
    expect(none.status).toBe(415);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('a body over 1 MiB → 413', async () => {
    const before = await snapshot(t.db);
    const big = JSON.stringify({ ...webhookWorkflow, description: 'x'.repeat(1024 * 1024 + 10) });
    const r = await t.call('POST', base, { cookie: admin, body: big, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.data.error.code).toBe('payload_too_large');
    // Without Content-Length (a stream): counted as it arrives.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await t.app.request(base, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('prototype-pollution keys are refused with their path, anywhere in the body', async () => {
    const before = await snapshot(t.db);
    const bodies: [string, string, string][] = [
      [base, '{"name":"x","trigger":{"type":"webhook"},"actions":[],"__proto__":{"isAdmin":true}}', '__proto__'],
      [base, '{"name":"x","trigger":{"type":"webhook","constructor":{"prototype":{"x":1}}},"actions":[]}', 'trigger.constructor'],
      [`/api/workspaces/${t.a.id}/records/deal`, '{"data":{"a":[{"__proto__":{"polluted":1}}]}}', 'data.a[0].__proto__'],
    ];
    for (const [path, body, at] of bodies) {
      const r = await t.call('POST', path, { cookie: admin, body, headers: { 'content-type': 'application/json' } });
      expect(r.status, body).toBe(400);
      expect(r.data.error.path).toBe(at);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(await snapshot(t.db)).toBe(before);
  });

  it('wrong types, huge strings and odd Unicode → 400 naming the field', async () => {
    const before = await snapshot(t.db);
    const cases: [string, unknown, string][] = [
      [base, { name: 42, trigger: { type: 'webhook' } }, 'name'],
      [base, { name: 'x'.repeat(10_000), trigger: { type: 'webhook' } }, 'name'],
      [base, { name: '\u202ex', trigger: { type: 'record_created', object: '💥' } }, 'trigger.object'],
      // jsonb cannot store U+0000: refused up front, naming the field.
      [base, { name: 'a\u0000b', trigger: { type: 'webhook' } }, 'name'],
      // Nor an unpaired surrogate, which JSON.parse accepts as an escape: 400, not a failed write.
      [`/api/workspaces/${t.a.id}/records/deal`, { data: { note: 'a\ud800b' } }, 'data.note'],
      [`/api/workspaces/${t.a.id}/records/deal`, { data: { 'k\udc00': 1 } }, 'data.k\udc00'],
      [base, [], ''],
      [`/api/workspaces/${t.a.id}/records/deal`, { data: 'nope' }, 'data'],
      [`/api/workspaces/${t.a.id}/api-keys`, { name: 'k', role: 'owner' }, 'role'],
    ];
    for (const [path, json, at] of cases) {
      const r = await t.call('POST', path, { cookie: admin, json });
      expect(r.status, JSON.stringify(json).slice(0, 80)).toBe(400);
      if (at) expect(r.data.error.path).toBe(at);
      else expect(isError(r.data)).toBe(true);
    }
    const q = await t.call('GET', `/api/workspaces/${t.a.id}/executions?status=exploded&limit=-1`, { cookie: admin });
    expect(q.status).toBe(400);
    expect(q.data.error.path).toMatch(/^query\./);
    const obj = await t.call('GET', `/api/workspaces/${t.a.id}/records/${encodeURIComponent('no such/obj')}`, { cookie: admin });
    expect([400, 404]).toContain(obj.status);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('unknown routes → 404, a known path with an undeclared method → 405 with Allow, both in the error format', async () => {
    for (const [m, p] of [
      ['GET', '/api/nope'],
      ['GET', `/api/workspaces/${t.a.id}/unknown`],
      ['GET', '/nothing'],
    ] as const) {
      const r = await t.call(m, p, { cookie: admin });
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(isError(r.data)).toBe(true);
    }
    for (const [m, p, allow] of [
      ['DELETE', '/api/me', 'GET'],
      // (TRACE itself goes over real HTTP in reliability/test/schemathesis.test.ts: fetch's Request refuses it.)
      ['PATCH', '/api/me', 'GET'],
      ['GET', '/api/auth/login', 'POST'],
      ['PUT', base, 'GET, POST'],
    ] as const) {
      const r = await t.call(m, p, { cookie: admin });
      expect(r.status, `${m} ${p}`).toBe(405);
      expect(r.headers.get('allow'), `${m} ${p}`).toBe(allow);
      expect(isError(r.data)).toBe(true);
    }
  });

  it('serves /api/openapi.json generated from the route schemas, and /api/health', async () => {
    const doc = await t.call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.data.openapi).toBe('3.1.0');
    for (const p of [
      '/api/auth/login',
      '/api/me',
      '/api/workspaces/{ws}/workflows',
      '/api/workspaces/{ws}/workflows/{id}/activate',
      '/api/workspaces/{ws}/executions/{id}/retry',
      '/api/workspaces/{ws}/records/{object}/{id}',
      '/api/workspaces/{ws}/events/{id}/replay',
    ])
      expect(Object.keys(doc.data.paths), p).toContain(p);
    expect(doc.data.components.schemas.Workflow).toBeDefined();
    const health = await t.call('GET', '/api/health');
    expect(health).toMatchObject({ status: 200, data: { status: 'ok' } });
  });

  it('the document is exact: operationIds, refusals, required fields, string rules, nullable user, links', async () => {
    type Op = { operationId?: string; responses: Record<string, { content?: unknown; links?: Record<string, { operationId: string }> }> };
    const doc = (await t.call('GET', '/api/openapi.json')).data as {
      paths: Record<string, Record<string, Op & Record<string, unknown>>>;
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId!), op.operationId).toBe(false);
        ids.add(op.operationId!);
        // A bad credential is refused on every route, in the error format.
        expect(op.responses['401']?.content, `${method} ${path}`).toBeDefined();
      }
    }
    const create = doc.paths['/api/workspaces/{ws}/workflows']!.post! as Record<string, any>;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['name', 'trigger']);
    expect(body.properties.name.pattern).toBeDefined();
    expect(new RegExp(body.properties.name.pattern).test('a\u0000b')).toBe(false);
    expect(new RegExp(body.properties.name.pattern).test('   ')).toBe(false);
    expect(new RegExp(body.properties.name.pattern).test('Deal won')).toBe(true);
    expect(body.propertyNames.not.enum).toContain('__proto__');
    // GET /api/me answers user: null for an API key.
    expect(doc.components.schemas.Me!.properties).toMatchObject({ user: { anyOf: [{ $ref: '#/components/schemas/User' }, { type: 'null' }] } });
    const links = create.responses['201'].links as Record<string, { operationId: string; parameters: Record<string, string> }>;
    expect(Object.values(links).map((l) => l.operationId)).toEqual(expect.arrayContaining(['getWorkflow', 'updateWorkflow', 'publishWorkflow']));
    expect(links.GetWorkflow!.parameters).toEqual({ ws: '$request.path.ws', id: '$response.body#/id' });
    const record = doc.paths['/api/workspaces/{ws}/records/{object}']!.post!;
    expect(Object.values(record.responses['201']!.links ?? {}).map((l) => l.operationId)).toContain('getRecord');
    const events = doc.paths['/api/workspaces/{ws}/events']!.get!;
    expect(Object.values(events.responses['200']!.links ?? {}).map((l) => l.operationId)).toContain('getEvent');
    const test = doc.paths['/api/workspaces/{ws}/workflows/{id}/test']!.post!;
    expect(Object.values(test.responses['201']!.links ?? {}).map((l) => l.operationId)).toContain('getExecution');
  });

  it('NUL in a query value or path segment is a 400 naming it, not a 500', async () => {
    const q = await t.call('GET', `/api/workspaces/${t.a.id}/executions?recordId=a%00b`, { cookie: admin });
    expect(q.status, JSON.stringify(q.data)).toBe(400);
    expect(q.data).toMatchObject({ error: { path: 'query.recordId' } });
    const p = await t.call('GET', `/api/workspaces/${t.a.id}/workflows/a%00b`, { cookie: admin });
    expect(p.status, JSON.stringify(p.data)).toBe(400);
  });

  it('serves the web build with SPA fallback, never outside its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Conduit</title>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const app = createApp({ ...t.deps, staticDir: dir });
    const index = await app.request('/workflows/123');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Conduit</title>');
    const js = await app.request('/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    expect(await (await app.request('/..%2f..%2fetc%2fpasswd')).text()).not.toContain('root:');
    // The API keeps answering JSON errors under the static fallback.
    expect((await app.request('/api/nope')).status).toBe(404);
  });
});
