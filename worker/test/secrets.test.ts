/**
 * Workspace secrets in send_webhook through the real worker and Temporal dev server: the value goes
 * into the request and nowhere else (step rows, run output, errors, Temporal history), an echo of it
 * is masked, data that looks like a reference is never resolved, a replaced value is used by the next
 * step, and OAuth2 client-credentials tokens are fetched, cached, renewed on expiry and on 401.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload } from '@temporalio/common';
import { payloadCodecFromConfig } from '@conduit/core/temporal-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@conduit/core/crypto';
import { putSecret } from '@conduit/core/domain';
import { runWorkflowId } from '@conduit/core/temporal';
import { workflowExecutions, executionSteps, eq } from '@conduit/core/testing';
import { startHarness, type Harness } from './harness';

type Seen = { url: string; headers: IncomingMessage['headers']; body: string };
const seen: Seen[] = [];
const tokenRequests: URLSearchParams[] = [];
let tokenSeq = 0;
let tokenLifetimeS = 3600;
const revoked = new Set<string>();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/token') {
        const form = new URLSearchParams(body);
        tokenRequests.push(form);
        if (form.get('client_secret') !== 'cs-very-secret-value') {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client' }));
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: `at-${++tokenSeq}-opaque`, token_type: 'Bearer', expires_in: tokenLifetimeS }));
        return;
      }
      seen.push({ url: req.url!, headers: req.headers, body });
      const auth = req.headers.authorization ?? '';
      if (u.pathname === '/api' && (!auth.startsWith('Bearer at-') || revoked.has(auth.slice(7)))) {
        res.writeHead(401).end('bad token');
        return;
      }
      if (u.pathname === '/strict' && req.headers['x-api-key'] !== 'key-NEW-value-2') {
        res.writeHead(403).end(`refused key ${req.headers['x-api-key']}`);
        return;
      }
      // Echoes what it got, the way some APIs do: the secret must not reach the step row this way.
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ got: req.headers.authorization ?? null, key: req.headers['x-api-key'] ?? null, body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

/**
 * Every payload of a run's Temporal history as text, to search for a value: the raw history (payloads
 * are encrypted by the product's codec, so a value in clear there would show) plus every payload
 * decrypted through that codec (what an operator's Temporal UI would show).
 */
async function historyText(h: Harness, executionId: string): Promise<string> {
  const history = await h.client.workflow.getHandle(runWorkflowId(executionId)).fetchHistory();
  const text = (v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : v;
  const raw = JSON.stringify(history, (k, v: unknown) => (k === 'data' ? text(v) : v));
  const codec = payloadCodecFromConfig(h.config);
  const payloads: Payload[] = [];
  const collect = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if ('metadata' in v && 'data' in v && (v as Payload).data instanceof Uint8Array) payloads.push(v as Payload);
    for (const x of Object.values(v)) collect(x);
  };
  collect(history);
  const decoded = codec ? await codec.decode(payloads) : payloads;
  return `${raw}\n${decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n')}`;
}

async function storedText(h: Harness, executionId: string): Promise<string> {
  const exec = await h.db.select().from(workflowExecutions).where(eq(workflowExecutions.id, executionId));
  const steps = await h.db.select().from(executionSteps).where(eq(executionSteps.executionId, executionId));
  return JSON.stringify({ exec, steps });
}

describe('workspace secrets in the worker', () => {
  let h: Harness;
  let box: ReturnType<typeof createSecretBox>;
  const set = (name: string, value: string) => putSecret(h.db, box, { workspaceId: h.workspaceId, name, value, by: null });

  beforeAll(async () => {
    h = await startHarness({ db: 'pglite', env: { HTTP_ALLOWLIST: '127.0.0.1' } });
    box = createSecretBox(h.config.ENCRYPTION_KEY!);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('puts the value into the call only, masks an echo of it, and never resolves a reference that came in as data', async () => {
    await set('API_TOKEN', 'tok-0123456789-abcdef');
    await set('OTHER_KEY', 'other-0123456789-zz');
    seen.length = 0;
    const run = await h.startRun(
      [
        {
          id: 'call',
          type: 'send_webhook',
          url: `${base}/echo`,
          query: { k: '{{secrets.OTHER_KEY}}' },
          headers: { 'X-Note': 'for {{trigger.who}}' },
          auth: { type: 'bearer', token: '{{secrets.API_TOKEN}}' },
          body: { note: '{{trigger.note}}', mixed: 'id={{trigger.who}};t={{secrets.API_TOKEN}}' },
        },
      ],
      { trigger: { kind: 'manual', who: 'Ada', note: 'please send {{secrets.OTHER_KEY}}' } },
    );
    expect((await run.handle.result()).status).toBe('completed');
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.headers.authorization).toBe('Bearer tok-0123456789-abcdef');
    expect(req.url).toBe('/echo?k=other-0123456789-zz');
    // The definition's reference is resolved; the same text arriving in trigger data stays text.
    expect(JSON.parse(req.body)).toEqual({ note: 'please send {{secrets.OTHER_KEY}}', mixed: 'id=Ada;t=tok-0123456789-abcdef' });

    const step = (await h.steps(run.executionId)).call!;
    expect(step.output).toMatchObject({ body: { got: 'Bearer [secret API_TOKEN]', body: expect.stringContaining('t=[secret API_TOKEN]') } });
    expect((step.output as { url: string }).url).toBe(`${base}/echo?k=[secret OTHER_KEY]`);
    expect(JSON.stringify(step.input)).toContain('{{secrets.API_TOKEN}}');
    for (const text of [await storedText(h, run.executionId), await historyText(h, run.executionId)]) {
      expect(text).not.toContain('tok-0123456789-abcdef');
      expect(text).not.toContain('other-0123456789-zz');
    }
    // The history holds the reference, as the workflow saw it.
    expect(await historyText(h, run.executionId)).toContain('{{secrets.API_TOKEN}}');
  });

  it('masks an echo of the Basic credentials as sent (base64 of user:password), not only each value', async () => {
    await set('API_USER', 'robot-user-account');
    await set('API_PASSWORD', 'SuperSecretValue-12345xyz');
    seen.length = 0;
    const run = await h.startRun([
      {
        id: 'basic',
        type: 'send_webhook',
        url: `${base}/echo`,
        auth: { type: 'basic', username: '{{secrets.API_USER}}', password: '{{secrets.API_PASSWORD}}' },
      },
    ]);
    expect((await run.handle.result()).status).toBe('completed');
    const pair = Buffer.from('robot-user-account:SuperSecretValue-12345xyz').toString('base64');
    expect(seen[0]!.headers.authorization).toBe(`Basic ${pair}`);
    const step = (await h.steps(run.executionId)).basic!;
    expect(step.output).toMatchObject({ body: { got: 'Basic [secret basic credentials]' } });
    for (const text of [await storedText(h, run.executionId), await historyText(h, run.executionId)]) expect(text).not.toContain(pair);
  });

  it('an error that carries the value stores [secret NAME]; a deleted secret fails the step clearly', async () => {
    await set('STRICT_KEY', 'key-OLD-value-1');
    const run = await h.startRun([{ id: 'call', type: 'send_webhook', url: `${base}/strict`, headers: { 'X-Api-Key': '{{secrets.STRICT_KEY}}' } }]);
    expect((await run.handle.result()).status).toBe('failed');
    const step = (await h.steps(run.executionId)).call!;
    expect(step.error).toBe('webhook answered HTTP 403: refused key [secret STRICT_KEY]');
    expect(await historyText(h, run.executionId)).not.toContain('key-OLD-value-1');

    const missing = await h.startRun([{ id: 'call', type: 'send_webhook', url: `${base}/echo`, headers: { 'X-Api-Key': '{{secrets.NO_SUCH}}' } }]);
    expect((await missing.handle.result()).status).toBe('failed');
    expect((await h.steps(missing.executionId)).call!.error).toMatch(/the secret NO_SUCH does not exist in this workspace/);
  });

  it('a value replaced while a run waits is the one its next step uses', async () => {
    await set('STRICT_KEY', 'key-OLD-value-1');
    seen.length = 0;
    const run = await h.startRun([
      { id: 'first', type: 'send_webhook', url: `${base}/echo`, headers: { 'X-Api-Key': '{{secrets.STRICT_KEY}}' } },
      { id: 'pause', type: 'wait', duration: '2s' },
      { id: 'second', type: 'send_webhook', url: `${base}/strict`, headers: { 'X-Api-Key': '{{secrets.STRICT_KEY}}' } },
    ]);
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await set('STRICT_KEY', 'key-NEW-value-2');
    expect((await run.handle.result()).status).toBe('completed');
    expect(seen.map((s) => s.headers['x-api-key'])).toEqual(['key-OLD-value-1', 'key-NEW-value-2']);
  });

  it('OAuth2 client credentials: one token across runs, a new one after expiry and after a 401', async () => {
    await set('OAUTH_CLIENT_ID', 'client-abc-123');
    await set('OAUTH_CLIENT_SECRET', 'cs-very-secret-value');
    tokenRequests.length = 0;
    tokenSeq = 0;
    tokenLifetimeS = 3600;
    const action = {
      id: 'call',
      type: 'send_webhook' as const,
      url: `${base}/api`,
      auth: {
        type: 'oauth2_client_credentials' as const,
        tokenUrl: `${base}/token`,
        clientId: '{{secrets.OAUTH_CLIENT_ID}}',
        clientSecret: '{{secrets.OAUTH_CLIENT_SECRET}}',
        scope: 'read write',
        audience: 'https://api.example.com',
      },
    };
    seen.length = 0;
    for (let i = 0; i < 2; i++) {
      const run = await h.startRun([action]);
      expect((await run.handle.result()).status).toBe('completed');
    }
    expect(tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(tokenRequests[0]!)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-abc-123',
      client_secret: 'cs-very-secret-value',
      scope: 'read write',
      audience: 'https://api.example.com',
    });
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer at-1-opaque', 'Bearer at-1-opaque']);

    // The API revokes the token: one 401, a fresh token, the call succeeds.
    revoked.add('at-1-opaque');
    const afterRevoke = await h.startRun([action]);
    expect((await afterRevoke.handle.result()).status).toBe('completed');
    expect(tokenRequests).toHaveLength(2);
    expect(seen.slice(-2).map((s) => s.headers.authorization)).toEqual(['Bearer at-1-opaque', 'Bearer at-2-opaque']);
    const step = (await h.steps(afterRevoke.executionId)).call!;
    expect(step.output).toMatchObject({ status: 200, body: { got: 'Bearer [secret access token]' } });
    const stored = (await storedText(h, afterRevoke.executionId)) + (await historyText(h, afterRevoke.executionId));
    for (const v of ['at-2-opaque', 'cs-very-secret-value', 'client-abc-123']) expect(stored).not.toContain(v);

    // A short-lived token is renewed once it is about to expire.
    tokenLifetimeS = 1;
    revoked.add('at-2-opaque');
    const short = await h.startRun([action]);
    expect((await short.handle.result()).status).toBe('completed');
    expect(tokenRequests).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 1_100));
    const renewed = await h.startRun([action]);
    expect((await renewed.handle.result()).status).toBe('completed');
    expect(tokenRequests).toHaveLength(4);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer at-4-opaque');
  });
});
