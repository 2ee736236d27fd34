import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@conduit/core/crypto';
import { workflowSecrets } from '@conduit/core/testing';
import { BlockedAddressError, createSafeHttp, type Resolver } from '../src/activities/safe-http';
import { startHarness, type Harness } from './harness';

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: string };
const seen: Seen[] = [];
let server: Server;
let base = '';
let port = 0;
let flaky = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/flaky' && flaky++ === 0) {
        res.writeHead(503, { 'retry-after': '1' }).end('busy');
        return;
      }
      if (u.pathname === '/missing') {
        res.writeHead(404).end('no such thing');
        return;
      }
      if (u.pathname === '/redirect') {
        res.writeHead(302, { location: u.searchParams.get('to')! }).end();
        return;
      }
      if (u.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(200_000));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=secret', 'x-request-id': 'r-1' })
        .end(JSON.stringify({ ok: true, path: u.pathname }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('send_webhook through the worker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ db: 'pglite', env: { HTTP_ALLOWLIST: '127.0.0.1' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sends templated JSON with an idempotency key and a Standard Webhooks signature, records the response, redacts secrets', async () => {
    const signingSecret = `whsec_${Buffer.from('super-secret-signing-key').toString('base64')}`;
    const action = {
      id: 'notify',
      type: 'send_webhook' as const,
      method: 'POST' as const,
      url: `${base}/hook`,
      query: { deal: '{{trigger.name}}' },
      headers: { Authorization: 'Bearer top-secret-token', 'X-Custom': 'v-{{trigger.name}}' },
      body: { deal: '{{trigger.name}}', amount: '{{trigger.amount}}' },
      sign: true,
    };
    // Signing without a stored secret fails the step clearly.
    const run1 = await h.startRun([action], { trigger: { kind: 'manual', name: 'Acme', amount: 5 } });
    expect((await run1.handle.result()).status).toBe('failed');
    expect((await h.steps(run1.executionId)).notify).toMatchObject({ status: 'failed', error: expect.stringMatching(/no signing secret/) });

    // Now with a secret.
    const wf = await h.createWorkflow([]);
    await h.db.insert(workflowSecrets).values({
      workflowId: wf.id,
      workspaceId: h.workspaceId,
      kind: 'webhook_signing',
      ciphertext: createSecretBox(h.config.ENCRYPTION_KEY!).seal(signingSecret),
    });
    seen.length = 0;
    const run2 = await h.startRun([action], { trigger: { kind: 'manual', name: 'Acme', amount: 5 }, workflowId: wf.id });
    expect((await run2.handle.result()).status).toBe('completed');
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.url).toBe('/hook?deal=Acme');
    expect(JSON.parse(req.body)).toEqual({ deal: 'Acme', amount: 5 });
    expect(req.headers['idempotency-key']).toBe(`${run2.executionId}.notify`);
    expect(req.headers['x-custom']).toBe('v-Acme');
    expect(req.headers.authorization).toBe('Bearer top-secret-token');
    const ts = req.headers['webhook-timestamp'] as string;
    const expected = createHmac('sha256', Buffer.from('super-secret-signing-key')).update(`${req.headers['webhook-id']}.${ts}.${req.body}`).digest('base64');
    expect(req.headers['webhook-signature']).toBe(`v1,${expected}`);
    // And what any Standard Webhooks receiver does: the package's own verify accepts it.
    expect(() => new Webhook(signingSecret).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
    const step = (await h.steps(run2.executionId)).notify!;
    expect(step.output).toMatchObject({
      status: 200,
      body: { ok: true, path: '/hook' },
      headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
    });
    expect(JSON.stringify(step.output)).not.toContain('session=secret');
    expect(JSON.stringify(step.input)).not.toContain('top-secret-token');
    expect(JSON.stringify(step.input)).not.toContain('super-secret-signing-key');
  });

  it('retries 503 honouring Retry-After, never retries 4xx, caps the stored body', async () => {
    flaky = 0;
    const r = await h.startRun([
      {
        id: 'flaky',
        type: 'send_webhook',
        url: `${base}/flaky`,
        retry: { maxAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 2, maxIntervalMs: 1000 },
      },
      { id: 'big', type: 'send_webhook', method: 'GET', url: `${base}/big` },
      {
        id: 'missing',
        type: 'send_webhook',
        url: `${base}/missing`,
        retry: { maxAttempts: 5, initialIntervalMs: 100, backoffCoefficient: 2, maxIntervalMs: 1000 },
      },
    ]);
    expect((await r.handle.result()).status).toBe('failed');
    const s = await h.steps(r.executionId);
    expect(s.flaky).toMatchObject({ status: 'completed', attempts: 2 });
    // Retry-After: 1 was honoured rather than the 100 ms backoff.
    expect(s.flaky!.completedAt!.getTime() - s.flaky!.startedAt!.getTime()).toBeGreaterThanOrEqual(900);
    expect(s.big!.output).toMatchObject({ status: 200, truncated: true });
    expect((s.big!.output as { body: string }).body.length).toBe(64 * 1024);
    expect(s.missing).toMatchObject({ status: 'failed', attempts: 1, error: 'webhook answered HTTP 404: no such thing' });
  });

  it('refuses a private address in a run, without retrying', async () => {
    const r = await h.startRun([{ id: 'meta', type: 'send_webhook', method: 'GET', url: 'http://169.254.169.254/latest/meta-data/' }]);
    await r.handle.result();
    const s = await h.steps(r.executionId);
    expect(s.meta).toMatchObject({ status: 'failed', attempts: 1 });
    expect(s.meta!.error).toMatch(/^webhook refused: refused 169\.254\.169\.254: .*linkLocal/);
  });
});

describe('SSRF protection', () => {
  const internal: Record<string, string[]> = {
    'loopback.test': ['127.0.0.1'],
    'v6loop.test': ['::1'],
    'private.test': ['10.1.2.3'],
    'mixed.test': ['93.184.216.34', '192.168.1.1'],
    'metadata.test': ['169.254.169.254'],
    'cgnat.test': ['100.100.100.200'],
    'ula.test': ['fd00:ec2::254'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'zero.test': ['0.0.0.0'],
  };
  const resolver: Resolver = async (host) =>
    (internal[host] ?? (host === 'allowed.test' ? ['127.0.0.1'] : ['93.184.216.34'])).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const http = createSafeHttp({ resolver, allowlist: ['allowed.test'] });
  afterAll(() => http.close());
  const redirect = (to: string) => `http://allowed.test:${port}/redirect?to=${encodeURIComponent(to)}`;

  const attempts = (): [string, string][] => [
    ['loopback', 'http://127.0.0.1/'],
    ['loopback other', 'http://127.1.2.3/'],
    ['decimal IP', 'http://2130706433/'],
    ['octal IP', 'http://0177.0.0.1/'],
    ['hex IP', 'http://0x7f000001/'],
    ['hex dotted', 'http://0x7f.0x0.0x0.0x1/'],
    ['short form', 'http://127.1/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped hex', 'http://[::ffff:7f00:1]/'],
    ['unspecified', 'http://0.0.0.0/'],
    ['unspecified v6', 'http://[::]/'],
    ['private 10/8', 'http://10.0.0.1/'],
    ['private 172.16/12', 'http://172.16.5.4/'],
    ['private 192.168/16', 'http://192.168.0.1:8080/'],
    ['metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['metadata decimal', 'http://2852039166/'],
    ['CGNAT', 'http://100.64.0.1/'],
    ['IPv6 ULA', 'http://[fd00::1]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['multicast', 'http://224.0.0.1/'],
    ['localhost name', 'http://localhost:1234/'],
    ['DNS to loopback', 'http://loopback.test/'],
    ['DNS to ::1', 'http://v6loop.test/'],
    ['DNS to private', 'http://private.test/'],
    ['DNS with one private answer', 'http://mixed.test/'],
    ['DNS to metadata', 'http://metadata.test/'],
    ['DNS to CGNAT', 'http://cgnat.test/'],
    ['DNS to ULA', 'http://ula.test/'],
    ['DNS to mapped', 'http://mapped.test/'],
    ['DNS to 0.0.0.0', 'http://zero.test/'],
    ['redirect to metadata', redirect('http://169.254.169.254/latest/meta-data/')],
    ['redirect to loopback', redirect(`http://127.0.0.1:${port}/secret`)],
    ['redirect to hex loopback', redirect(`http://0x7f000001:${port}/secret`)],
    ['redirect to mapped', redirect(`http://[::ffff:127.0.0.1]:${port}/secret`)],
    ['redirect to internal name', redirect('http://private.test/')],
    ['non-http scheme', 'file:///etc/passwd'],
    ['gopher', 'gopher://127.0.0.1:25/'],
  ];

  it('refuses every attempt (38 of them) before anything reaches an internal address', async () => {
    const list = attempts();
    expect(list.length).toBeGreaterThanOrEqual(20);
    seen.length = 0;
    for (const [name, url] of list) {
      const err = await http.request({ method: 'GET', url, headers: {}, timeoutMs: 3000 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(BlockedAddressError);
    }
    // Only the allowlisted first hops of the redirect cases reached the server; no redirect target did.
    expect(seen.every((r) => r.url.startsWith('/redirect'))).toBe(true);
    expect(seen).toHaveLength(5);
  });

  it('connects to the address it checked (DNS rebinding)', async () => {
    let calls = 0;
    // First answer public, every later answer loopback: a check-then-resolve-again client would be fooled.
    const rebinding = createSafeHttp({ resolver: async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }] });
    const err = await rebinding.request({ method: 'GET', url: `http://rebind.test:${port}/secret`, headers: {}, timeoutMs: 3000 }).then(
      () => null,
      (e: unknown) => e,
    );
    await rebinding.close();
    expect(String((err as { cause?: Error })?.cause?.message ?? (err as Error)?.message)).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(seen.some((r) => r.url === '/secret')).toBe(false);
  });

  it('stops after five redirects', async () => {
    let to = `http://allowed.test:${port}/hook`;
    for (let i = 0; i < 6; i++) to = `http://allowed.test:${port}/redirect?to=${encodeURIComponent(to)}`;
    await expect(http.request({ method: 'GET', url: to, headers: {}, timeoutMs: 3000 })).rejects.toThrow(/too many redirects/);
  });
});
