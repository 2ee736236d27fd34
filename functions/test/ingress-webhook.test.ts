import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { events, workflowExecutions, eq, type DbHandle } from '@conduit/core/testing';
import { createInProcessQueue, type InProcessQueue } from '@conduit/core/events';
import { createDispatcher } from '../src/dispatch';
import { createHookHandler, createIngress, createNodeHookListener, generateHookId, generateWebhookSecret, signWebhook, type IngressDeps } from '../src/ingress';
import { createRunStarter } from '../src/runs';
import { createTestDb, type TestDbKind } from '@conduit/local/testing';
import { ENCRYPTION_KEY, connectTemporal, isolatedTaskQueue, seedWorkflow, seedWorkspace, startedInput } from './dispatch-fixtures';

/** The same handler behind both servers it ships on: Hono (Lambda, the API app) and node:http (the local server). */
type Transport = 'hono' | 'node';
type Ingress = { request: (path: string, init?: RequestInit) => Promise<Response> };
const servers: Server[] = [];

async function ingressOver(transport: Transport, deps: IngressDeps): Promise<Ingress> {
  if (transport === 'hono') {
    const app = createIngress(deps);
    return { request: async (path, init) => app.request(path, init) };
  }
  const hooks = createNodeHookListener(createHookHandler(deps));
  const server = createServer((req, res) => {
    if (!hooks(req, res)) res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { request: (path, init) => fetch(`${base}${path}`, init) };
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe.each<[TestDbKind, Transport]>([
  ['pg', 'hono'],
  ['pglite', 'hono'],
  ['pg', 'node'],
])('webhook ingress on %s over %s', (kind, transport) => {
  let h: DbHandle;
  let temporal: { client: Client; close: () => Promise<void> };
  let queue: InProcessQueue;
  let app: Ingress;
  let ws: { workspaceId: string; companyId: string };
  const ingress = (deps: IngressDeps) => ingressOver(transport, deps);

  beforeAll(async () => {
    h = await createTestDb(kind);
    temporal = await connectTemporal();
    const runs = createRunStarter({ db: h.db, temporal: temporal.client, taskQueue: isolatedTaskQueue() });
    const dispatcher = createDispatcher({ db: h.db, runs, config: { LOOP_DEPTH_LIMIT: 5 } });
    queue = createInProcessQueue(dispatcher.handle);
    app = await ingress({ db: h.db, queue, config: { WEBHOOK_BODY_LIMIT: 1024 * 1024, ENCRYPTION_KEY }, hookCacheMs: 0 });
    ws = await seedWorkspace(h.db);
  });
  afterAll(async () => {
    await queue?.stop?.();
    await temporal?.close();
    await h?.close();
  });

  const eventsOf = (workflowId: string) => h.db.select().from(events).where(eq(events.workflowId, workflowId));
  const runsOf = (workflowId: string) => h.db.select().from(workflowExecutions).where(eq(workflowExecutions.workflowId, workflowId));
  const hook = async (trigger: Parameters<typeof seedWorkflow>[2]['trigger'], o: { secret?: string; active?: boolean } = {}) =>
    seedWorkflow(h.db, ws, { trigger, hookId: generateHookId(), ...o }) as Promise<{ workflowId: string; versionId: string; hookId: string }>;
  const none = { type: 'webhook' as const, auth: { mode: 'none' as const }, allowGet: false };

  it('stores a JSON webhook, answers 202 with the event id, and starts its run with the filtered payload', async () => {
    const wf = await hook(none);
    const res = await app.request(`/${wf.hookId}?source=crm&x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret', cookie: 'sid=1', 'x-request-id': 'abc', 'x-api-key': 'k' },
      body: JSON.stringify({ deal: { name: 'Big', amount: 12000 } }),
    });
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: string };
    // Stored before the answer.
    const [row] = await h.db.select().from(events).where(eq(events.id, eventId));
    expect(row).toMatchObject({ workspaceId: ws.workspaceId, workflowId: wf.workflowId, source: 'webhook', type: 'webhook.received' });
    await queue.drain();
    const [run] = await runsOf(wf.workflowId);
    const input = await startedInput(temporal.client, run!.id);
    expect(input.trigger).toMatchObject({
      kind: 'webhook',
      method: 'POST',
      body: { deal: { name: 'Big', amount: 12000 } },
      query: { source: 'crm', x: '1' },
      contentType: 'application/json',
    });
    const headers = (input.trigger as { headers: Record<string, string> }).headers;
    expect(headers['x-request-id']).toBe('abc');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('cookie');
    expect(headers).not.toHaveProperty('x-api-key');
    expect(input.versionId).toBe(wf.versionId);
  });

  it('accepts form and text bodies, and drops prototype keys from JSON', async () => {
    const wf = await hook(none);
    const form = await app.request(`/${wf.hookId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=two&a=3&__proto__=x',
    });
    const text = await app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'hello' });
    const evil = await app.request(`/${wf.hookId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":{"__proto__":{"polluted":true}},"constructor":{"prototype":{"p":1}},"ok":1}',
    });
    expect([form.status, text.status, evil.status]).toEqual([202, 202, 202]);
    const byId = async (r: Response) =>
      (
        await h.db
          .select()
          .from(events)
          .where(eq(events.id, ((await r.json()) as { eventId: string }).eventId))
      )[0]!.payload;
    const formPayload = (await byId(form)) as { body: object };
    expect(formPayload).toMatchObject({ body: { a: ['1', '3'], b: 'two' } });
    expect(Object.keys(formPayload.body)).toEqual(['a', 'b']);
    expect(await byId(text)).toMatchObject({ body: 'hello', contentType: 'text/plain; charset=utf-8' });
    expect(((await byId(evil)) as { body: unknown }).body).toEqual({ a: {}, ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses wrong content type (415), oversized (413), bad JSON (400), and stores nothing', async () => {
    const wf = await hook(none);
    const small = await ingress({ db: h.db, queue, config: { WEBHOOK_BODY_LIMIT: 2048, ENCRYPTION_KEY }, hookCacheMs: 0 });
    const big = await small.request(`/${wf.hookId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ s: 'x'.repeat(3000) }),
    });
    expect(big.status).toBe(413);
    // Without a content-length (chunked), the limit holds while reading.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode('y'.repeat(1000)));
        c.close();
      },
    });
    const chunked = await small.request(`/${wf.hookId}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const multipart = await app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' });
    expect(multipart.status).toBe(415);
    const binary = await app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'abc' });
    expect(binary.status).toBe(415);
    const badJson = await app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(badJson.status).toBe(400);
    expect(await eventsOf(wf.workflowId)).toHaveLength(0);
  });

  it('refuses what jsonb cannot store (NUL, unpaired surrogates) with 400 without failing other requests in the same batch', async () => {
    const wf = await hook(none);
    const post = (body: string) => app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const refused: [string, () => Promise<Response>][] = [
      ['NUL', () => post('{"a":"x\\u0000y"}')],
      ['lone high surrogate', () => post('{"a":"x\\ud800y"}')],
      ['lone low surrogate', () => post('{"a":"\\udc00"}')],
      ['lone surrogate in a key', () => post('{"k\\udbff":1}')],
      ['NUL in the query', () => app.request(`/${wf.hookId}?a=%00`, { method: 'POST' })],
    ];
    for (const [what, send] of refused) {
      const [bad, good] = await Promise.all([send(), post('{"a":"fine"}')]);
      expect(bad.status, what).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code, what).toBe('bad_request');
      expect(good.status, what).toBe(202);
    }
    // A backslash the sender escaped is text, not an escape: stored as sent.
    const literal = await post('{"a":"\\\\u0000 and \\\\ud800"}');
    expect(literal.status).toBe(202);
    const stored = await eventsOf(wf.workflowId);
    expect(stored).toHaveLength(6);
    expect(stored.map((e) => (e.payload as { body: { a?: string } }).body.a)).toContain('\\u0000 and \\ud800');
  });

  it('answers 404 alike for unknown and inactive hooks, and 405 for GET unless allowed', async () => {
    const off = await hook(none, { active: false });
    const unknown = await app.request(`/${generateHookId()}`, { method: 'POST', body: 'x' });
    const inactive = await app.request(`/${off.hookId}`, { method: 'POST', body: 'x' });
    expect(unknown.status).toBe(404);
    expect(inactive.status).toBe(404);
    expect(await unknown.json()).toEqual(await inactive.json());
    expect(await eventsOf(off.workflowId)).toHaveLength(0);

    const postOnly = await hook(none);
    expect((await app.request(`/${postOnly.hookId}`)).status).toBe(405);
    const getOk = await hook({ ...none, allowGet: true });
    const got = await app.request(`/${getOk.hookId}?q=1`);
    expect(got.status).toBe(202);
    expect((await eventsOf(getOk.workflowId))[0]!.payload).toMatchObject({ method: 'GET', query: { q: '1' }, body: null });
    expect((await app.request(`/${getOk.hookId}`, { method: 'HEAD' })).status).toBe(405);
    expect((await app.request(`/${getOk.hookId}`, { method: 'PUT', body: 'x' })).status).toBe(405);
    expect(await eventsOf(getOk.workflowId)).toHaveLength(1);
  });

  it('checks a shared header secret in constant time and keeps it out of the payload', async () => {
    const wf = await hook({ type: 'webhook', auth: { mode: 'header', headerName: 'X-Hook-Key' }, allowGet: false }, { secret: 'hunter2-long-secret' });
    const missing = await app.request(`/${wf.hookId}`, { method: 'POST', body: 'a' });
    const wrong = await app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'x-hook-key': 'hunter3-long-secret' }, body: 'a' });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(await eventsOf(wf.workflowId)).toHaveLength(0);
    const ok = await app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'x-hook-key': 'hunter2-long-secret' }, body: 'a' });
    expect(ok.status).toBe(202);
    const [e] = await eventsOf(wf.workflowId);
    expect(JSON.stringify(e!.payload)).not.toContain('hunter2');
  });

  it('verifies Standard Webhooks signatures: bad signature and old timestamp refused, replayed webhook-id runs once', async () => {
    const secret = generateWebhookSecret();
    const wf = await hook({ type: 'webhook', auth: { mode: 'signature' }, allowGet: false }, { secret });
    const body = JSON.stringify({ type: 'invoice.paid', id: 'inv_1' });
    const send = (id: string, ts: number, sig: string, b = body) =>
      app.request(`/${wf.hookId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': sig },
        body: b,
      });
    const now = Math.floor(Date.now() / 1000);

    const bad = await send('msg_1', now, signWebhook({ secret: generateWebhookSecret(), id: 'msg_1', timestamp: now, body }));
    expect(bad.status).toBe(401);
    const tampered = await send('msg_1', now, signWebhook({ secret, id: 'msg_1', timestamp: now, body }), body.replace('inv_1', 'inv_2'));
    expect(tampered.status).toBe(401);
    const old = await send('msg_1', now - 301, signWebhook({ secret, id: 'msg_1', timestamp: now - 301, body }));
    expect(old.status).toBe(401);
    expect(((await old.json()) as { error: { message: string } }).error.message).toMatch(/tolerance/);
    const unsigned = await app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(await eventsOf(wf.workflowId)).toHaveLength(0);

    // Several signatures (sender rotating keys): one valid is enough.
    const good = await send('msg_1', now, `v1,AAAA ${signWebhook({ secret, id: 'msg_1', timestamp: now, body })}`);
    expect(good.status).toBe(202);
    const first = ((await good.json()) as { eventId: string }).eventId;
    // The sender retries the same message (new timestamp, new signature): same event id, nothing new.
    const retry = await send('msg_1', now + 5, signWebhook({ secret, id: 'msg_1', timestamp: now + 5, body }));
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual({ eventId: first, duplicate: true });
    await queue.drain();
    expect(await eventsOf(wf.workflowId)).toHaveLength(1);
    expect(await runsOf(wf.workflowId)).toHaveLength(1);
    const [e] = await eventsOf(wf.workflowId);
    expect(JSON.stringify(e!.payload)).not.toContain('webhook-signature');
  });

  it('answers a repeated Idempotency-Key with the first event id, concurrent repeats included', async () => {
    const wf = await hook(none);
    const send = () =>
      app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'order-42' }, body: '{"n":1}' });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202]);
    const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as { eventId: string }).eventId)));
    expect(ids.size).toBe(1);
    await queue.drain();
    expect(await eventsOf(wf.workflowId)).toHaveLength(1);
    expect(await runsOf(wf.workflowId)).toHaveLength(1);
    // A different key is a different event.
    const other = await app.request(`/${wf.hookId}`, { method: 'POST', headers: { 'idempotency-key': 'order-43' }, body: 'x' });
    expect(other.status).toBe(202);
    expect(await eventsOf(wf.workflowId)).toHaveLength(2);
  });

  it('rate-limits per hook with 429 and Retry-After, at the configured WEBHOOK_RATE_LIMIT and burst', async () => {
    const wf = await hook(none);
    const limited = await ingress({
      db: h.db,
      queue,
      config: { WEBHOOK_BODY_LIMIT: 1024 * 1024, ENCRYPTION_KEY, WEBHOOK_RATE_LIMIT: 1, WEBHOOK_RATE_BURST: 3 },
    });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await limited.request(`/${wf.hookId}`, { method: 'POST', body: String(i) });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(wf.workflowId)).toHaveLength(3);
    // Another hook has its own bucket.
    const wf2 = await hook(none);
    expect((await limited.request(`/${wf2.hookId}`, { method: 'POST', body: 'x' })).status).toBe(202);
  });

  it('group-commits concurrent requests: every 202 has its own stored event', async () => {
    const wf = await hook(none);
    // Dispatch is not under test here; a queue that drops messages keeps 200 runs out of Temporal.
    const storeOnly = await ingress({ db: h.db, queue: createInProcessQueue(async () => {}), config: { WEBHOOK_BODY_LIMIT: 1 << 20, ENCRYPTION_KEY } });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        storeOnly.request(`/${wf.hookId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i }) }),
      ),
    );
    expect(answers.every((r) => r.status === 202)).toBe(true);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { eventId: string }).eventId));
    expect(new Set(ids).size).toBe(200);
    const stored = await eventsOf(wf.workflowId);
    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(ids));
  });
});
