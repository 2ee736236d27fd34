import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, eq, type Db } from '@conduit/core/testing';
import { signWebhook } from '@conduit/functions/testing';
import { createTestDb, type TestDbKind } from '@conduit/local/testing';
import { diffSnapshots, snapshotDb } from '../src/db-snapshot';
import { newEncryptionKey, seedWebhookWorkflow, seedWorkspace, type SeededHook } from '../src/fixtures';
import { ODD_STRINGS, prototypePolluted } from '../src/hostile/values';
import { ingressUnderTest } from '../src/testing/ingress';
import { trackFamily } from '../src/testing/track';

const rec = trackFamily({
  family: 'ingress',
  title: 'Webhook ingress under hostile input',
  command: 'npx vitest run --project reliability test/ingress.test.ts',
  notes: [
    'Malformed and forged Standard Webhooks signatures, replays (same webhook-id, stale and future timestamps),',
    'content-type confusion, prototype-pollution bodies, oversized and slow bodies, oversized headers, odd hook ids;',
    'on PGlite and on PostgreSQL. A refused request must leave every table unchanged.',
  ],
});

const RUNS = 20;
const KEY = newEncryptionKey();
const LIMIT = 16 * 1024;
const ascii = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

describe.each<TestDbKind>(['pglite', 'pg'])('webhook ingress on %s', (kind) => {
  let db: Db;
  let close: () => Promise<void>;
  let signed: SeededHook;
  let header: SeededHook;
  let open: SeededHook;
  let h: ReturnType<typeof ingressUnderTest>;

  beforeAll(async () => {
    const t = await createTestDb(kind);
    db = t.db;
    close = t.close;
    const ws = await seedWorkspace(db);
    const actions = [{ id: 'noop', type: 'wait' as const, duration: '1s' }];
    signed = await seedWebhookWorkflow(db, { ...ws, auth: 'signature', actions, encryptionKey: KEY });
    header = await seedWebhookWorkflow(db, { ...ws, auth: 'header', actions, encryptionKey: KEY });
    open = await seedWebhookWorkflow(db, { ...ws, auth: 'none', actions });
    h = ingressUnderTest(db, { encryptionKey: KEY, bodyLimit: LIMIT });
  });
  afterAll(async () => {
    await h?.queue.stop?.();
    await close?.();
  });

  const post = (hook: string, body: string | Uint8Array | ReadableStream, headers: Record<string, string> = {}) =>
    h.app.request(`/hooks/${hook}`, { method: 'POST', body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);

  const signedHeaders = (body: string, o: { id?: string; ts?: number; secret?: string } = {}) => {
    const id = o.id ?? `msg_${Math.random().toString(36).slice(2)}`;
    const ts = o.ts ?? Math.floor(Date.now() / 1000);
    return {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook({ secret: o.secret ?? signed.secret!, id, timestamp: ts, body }),
    };
  };

  /**
   * Tables changed since `before`. A known hook's refusal is counted by design (hook_refusals,
   * written in the background every 2 s, so it may land during any later request): left out.
   */
  const changedSince = async (before: Awaited<ReturnType<typeof snapshotDb>>) =>
    diffSnapshots(before, await snapshotDb(db)).filter((t) => t !== 'hook_refusals');

  /** Sends a request that must be refused with `status` and must not change the database. */
  /** `code` null: the status is enough (paths the ingress route never sees belong to the app's router). */
  async function refused(send: () => Response | Promise<Response>, status: number | number[], code?: string | null) {
    const before = await snapshotDb(db);
    const res = await send();
    rec.add('payloads tried');
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    expect([status].flat()).toContain(res.status);
    if (code !== null) expect(body?.error?.message).toBeTruthy();
    if (code) expect(body?.error?.code).toBe(code);
    expect(await changedSince(before)).toEqual([]);
    rec.add('payloads refused');
  }

  it('accepts a correctly signed request and stores it once', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const res = await post(signed.hookId, body, signedHeaders(body));
    rec.add('payloads tried');
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: string };
    const [row] = await db.select().from(events).where(eq(events.id, eventId));
    expect(row?.workflowId).toBe(signed.workflowId);
  });

  it('refuses malformed and forged signatures with 401 and stores nothing', async () => {
    const body = JSON.stringify({ amount: 10 });
    const now = Math.floor(Date.now() / 1000);
    const forged = fc.oneof(
      // Headers missing or garbage.
      fc.record({ id: fc.option(ascii, { nil: undefined }), ts: fc.option(ascii, { nil: undefined }), sig: fc.option(ascii, { nil: undefined }) }),
      // Right shape, wrong key.
      fc.record({ id: ascii.filter((s) => s.length > 0), ts: fc.constant(String(now)), sig: fc.constant('') }).map((r) => ({
        ...r,
        sig: signWebhook({ secret: `whsec_${Buffer.from('not the key at all').toString('base64')}`, id: r.id, timestamp: now, body }),
      })),
      // Signed over another body (tampering), or with the version tag changed, or truncated.
      fc
        .tuple(
          ascii.filter((s) => s.length > 0),
          fc.constantFrom('tamper', 'v2', 'truncate', 'many'),
        )
        .map(([id, how]) => {
          const good = signWebhook({ secret: signed.secret!, id, timestamp: now, body: how === 'tamper' ? `${body} ` : body });
          const sig =
            how === 'tamper'
              ? good
              : how === 'v2'
                ? good.replace('v1,', 'v2,')
                : how === 'truncate'
                  ? good.slice(0, -4)
                  : Array.from({ length: 300 }, () => 'v1,AAAA').join(' ');
          return { id, ts: String(now), sig };
        }),
      // Timestamps that are not Unix seconds or are out of tolerance.
      // (Offsets are applied when the case is sent, so a long run never drifts back into tolerance.)
      fc
        .tuple(
          ascii.filter((s) => s.length > 0),
          fc.constantFrom(-400, 400, -100_000, 10 ** 9, '-1', '1e10', ' 1', '0x10', '99999999999999', '.0'),
        )
        .map(([id, t]) => {
          const at = Math.floor(Date.now() / 1000);
          const ts = typeof t === 'number' ? String(at + t) : t === '.0' ? `${at}.0` : t;
          return { id, ts, sig: /^\d+$/.test(ts) ? signWebhook({ secret: signed.secret!, id, timestamp: Number(ts), body }) : 'v1,AAAA' };
        }),
    );
    await fc.assert(
      fc.asyncProperty(forged, async ({ id, ts, sig }) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (id !== undefined) headers['webhook-id'] = id;
        if (ts !== undefined) headers['webhook-timestamp'] = ts;
        if (sig !== undefined) headers['webhook-signature'] = sig;
        await refused(() => post(signed.hookId, body, headers), 401, 'unauthorized');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a wrong or missing shared header secret', async () => {
    await refused(() => post(header.hookId, '{}', { 'content-type': 'application/json' }), 401, 'unauthorized');
    await refused(() => post(header.hookId, '{}', { 'content-type': 'application/json', 'x-webhook-secret': `${header.secret}x` }), 401, 'unauthorized');
    await refused(
      () => post(header.hookId, '{}', { 'content-type': 'application/json', 'x-webhook-secret': header.secret!.slice(0, -1) }),
      401,
      'unauthorized',
    );
  });

  it('never stores the inbound secret in the event payload', async () => {
    const res = await post(header.hookId, '{"a":1}', {
      'content-type': 'application/json',
      'x-webhook-secret': header.secret!,
      authorization: 'Bearer abcdefgh',
    });
    rec.add('payloads tried');
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: string };
    const [row] = await db.select().from(events).where(eq(events.id, eventId));
    const stored = JSON.stringify(row?.payload);
    expect(stored).not.toContain(header.secret!);
    expect(stored).not.toContain('abcdefgh');
  });

  it('answers a replayed webhook-id with the first event and stores one row, even concurrently', async () => {
    const body = JSON.stringify({ n: 1 });
    const id = `msg_replay_${kind}`;
    const first = await post(signed.hookId, body, signedHeaders(body, { id }));
    expect(first.status).toBe(202);
    const { eventId } = (await first.json()) as { eventId: string };
    const replies = await Promise.all(Array.from({ length: 20 }, () => post(signed.hookId, body, signedHeaders(body, { id }))));
    rec.add('payloads tried', 21);
    for (const r of replies) {
      expect(r.status).toBe(202);
      expect(await r.json()).toEqual({ eventId, duplicate: true });
    }
    const rows = await db.select({ id: events.id }).from(events).where(eq(events.workflowId, signed.workflowId));
    expect(rows.filter((r) => r.id === eventId)).toHaveLength(1);

    // Concurrent first deliveries of one new id: exactly one row, every answer names it.
    const id2 = `msg_race_${kind}`;
    const race = await Promise.all(Array.from({ length: 20 }, () => post(signed.hookId, body, signedHeaders(body, { id: id2 }))));
    rec.add('payloads tried', 20);
    const ids = new Set<string>();
    for (const r of race) {
      expect(r.status).toBe(202);
      ids.add(((await r.json()) as { eventId: string }).eventId);
    }
    expect(ids.size).toBe(1);
    const stored = await db
      .select({ id: events.id })
      .from(events)
      .where(eq(events.dedupeKey, `${signed.workflowId}:webhook-id:${id2}`));
    expect(stored).toHaveLength(1);
  });

  it('a captured request replayed after the 5-minute tolerance is refused', async () => {
    const body = '{"late":true}';
    await refused(() => post(signed.hookId, body, signedHeaders(body, { ts: Math.floor(Date.now() / 1000) - 301 })), 401, 'unauthorized');
    await refused(() => post(signed.hookId, body, signedHeaders(body, { ts: Math.floor(Date.now() / 1000) + 301 })), 401, 'unauthorized');
  });

  it('content-type confusion: only JSON, forms and text are taken, each parsed safely', async () => {
    await refused(() => post(open.hookId, '{"a":', { 'content-type': 'application/json' }), 400, 'bad_request');
    await refused(() => post(open.hookId, 'a=1', { 'content-type': 'multipart/form-data; boundary=x' }), 415, 'unsupported_media_type');
    await refused(() => post(open.hookId, '\x00\x01', { 'content-type': 'application/octet-stream' }), 415, 'unsupported_media_type');
    await refused(() => post(open.hookId, '{}', { 'content-type': 'application/json; charset=utf-16' }), 415, 'unsupported_media_type');
    await refused(() => post(open.hookId, '<a/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type');

    const stored = async (res: Response) => {
      rec.add('payloads tried');
      expect(res.status).toBe(202);
      const { eventId } = (await res.json()) as { eventId: string };
      const [row] = await db.select().from(events).where(eq(events.id, eventId));
      return (row!.payload as { body: unknown }).body;
    };
    // JSON announced as text stays text: never parsed behind the sender's back.
    expect(await stored(await post(open.hookId, '{"a":1}', { 'content-type': 'text/plain' }))).toBe('{"a":1}');
    // Prototype keys are dropped from JSON and forms, and nothing is polluted.
    const j = await stored(
      await post(open.hookId, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"a":{"__proto__":{"isAdmin":true},"b":2}}', {
        'content-type': 'application/json',
      }),
    );
    expect(j).toEqual({ a: { b: 2 } });
    const f = await stored(await post(open.hookId, '__proto__[polluted]=1&constructor=2&a=1&a=2', { 'content-type': 'application/x-www-form-urlencoded' }));
    expect(f).toEqual({ '__proto__[polluted]': '1', a: ['1', '2'] });
    expect(prototypePolluted()).toBe(false);
  });

  it('any content type and body: a 2xx or a clear 4xx, never a 5xx; refused ones store nothing', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/vnd.api+json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'text/html; charset=latin1',
        'application/json;charset="UTF-8"',
        'image/png',
        '',
        ';;;',
        'application/json; charset=',
        '*/*',
      ),
      ascii,
    );
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      // Odd text inside JSON arrives as escapes (\u0000, a lone \ud800) that JSON.parse accepts and jsonb does not.
      fc.constantFrom(...ODD_STRINGS).map((s) => JSON.stringify({ [s]: s })),
      fc.constantFrom(...ODD_STRINGS),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(contentType, body, async (ct, b) => {
        const before = await snapshotDb(db);
        const res = await post(open.hookId, b, ct ? { 'content-type': ct } : {});
        rec.add('payloads tried');
        expect(res.status).toBeLessThan(500);
        if (res.status !== 202) {
          expect([400, 413, 415]).toContain(res.status);
          expect(await changedSince(before)).toEqual([]);
          rec.add('payloads refused');
        }
        expect(prototypePolluted()).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('oversized bodies are refused with 413, by declared length or by counting', async () => {
    await refused(() => post(open.hookId, 'x'.repeat(LIMIT + 1), { 'content-type': 'text/plain' }), 413, 'payload_too_large');
    await refused(() => post(open.hookId, 'x', { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024 * 1024) }), 413, 'payload_too_large');
    // A chunked stream with no declared length is cut off once past the limit.
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        pulled++;
        if (pulled > 1000) ctrl.close();
        else ctrl.enqueue(new Uint8Array(1024).fill(120));
      },
    });
    await refused(() => post(open.hookId, stream, { 'content-type': 'text/plain' }), 413, 'payload_too_large');
    expect(pulled).toBeLessThan(100);
  });

  it('odd hook ids and methods are a 404 or 405, never a 5xx', async () => {
    await fc.assert(
      // (An empty id is a different route, /hooks/, which belongs to the app's router, not to ingress.)
      fc.asyncProperty(fc.oneof(fc.constantFrom(...ODD_STRINGS), fc.string({ minLength: 1, maxLength: 300 }), fc.constant('a'.repeat(5000))), async (id) => {
        let path: string;
        try {
          path = encodeURIComponent(id);
        } catch {
          path = id.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80'); // a lone surrogate, sent as its raw UTF-8 bytes
        }
        // A slash or a dot segment ("/hooks/." is "/hooks/" once the URL is normalized) leaves the ingress route.
        const leavesRoute = path.includes('%2F') || id.includes('/') || id === '.' || id === '..';
        await refused(() => h.app.request(`/hooks/${path}`, { method: 'POST', body: '{}' }), 404, leavesRoute ? null : 'not_found');
      }),
      { numRuns: RUNS },
    );
    // Raw, malformed percent-encoding in the path.
    for (const raw of ['%', '%ZZ', '%E0%A4%A', '%00', '..%2F..%2Fapi', '%2e%2e', '.', '..']) {
      await refused(() => h.app.request(`/hooks/${raw}`, { method: 'POST', body: '{}' }), 404, null);
    }
    for (const method of ['PUT', 'DELETE', 'PATCH', 'GET']) {
      const before = await snapshotDb(db);
      const res = await h.app.request(`/hooks/${open.hookId}`, { method });
      rec.add('payloads tried');
      expect(res.status).toBe(405);
      expect(await changedSince(before)).toEqual([]);
      rec.add('payloads refused');
    }
  });

  describe('over a real HTTP server', () => {
    let server: ServerType;
    let port: number;
    beforeAll(async () => {
      server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise((r) => server.once('listening', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
    });

    /** A raw request whose body is written in chunks, `gapMs` apart; resolves with the status. */
    function trickle(o: {
      path: string;
      chunks: number;
      chunkSize: number;
      gapMs: number;
      headers?: Record<string, string>;
    }): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: o.path, headers: { 'content-type': 'text/plain', ...o.headers } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        let sent = 0;
        const tick = () => {
          if (req.destroyed || req.writableEnded) return;
          if (sent >= o.chunks) return void req.end();
          sent++;
          req.write('y'.repeat(o.chunkSize), () => setTimeout(tick, o.gapMs));
        };
        tick();
      });
    }

    it('a slow body does not hold up other requests, and a slow oversized body is cut at the limit', async () => {
      const slow = trickle({ path: `/hooks/${open.hookId}`, chunks: 20, chunkSize: 100, gapMs: 50 });
      const slowTooBig = trickle({ path: `/hooks/${open.hookId}`, chunks: 400, chunkSize: 1024, gapMs: 5 });
      const t0 = Date.now();
      const quick = await fetch(`http://127.0.0.1:${port}/hooks/${open.hookId}`, {
        method: 'POST',
        body: '{"q":1}',
        headers: { 'content-type': 'application/json' },
      });
      expect(quick.status).toBe(202);
      expect(Date.now() - t0).toBeLessThan(900);
      const s = await slow;
      expect(s.status).toBe(202);
      const big = await slowTooBig;
      expect(big.status).toBe(413);
      rec.add('payloads tried', 3);
      rec.add('payloads refused');
    });

    it('oversized headers are refused by the server (431), and a huge signature list is a 401', async () => {
      const res = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/hooks/${signed.hookId}`, headers: { 'x-pad': 'p'.repeat(20_000) } }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
      expect(res).toBe(431);
      const body = '{}';
      const hs = signedHeaders(body);
      const many = Array.from({ length: 250 }, () => 'v1,QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=').join(' ');
      expect(many.length).toBeGreaterThan(8_000);
      const before = await snapshotDb(db);
      const r2 = await fetch(`http://127.0.0.1:${port}/hooks/${signed.hookId}`, { method: 'POST', body, headers: { ...hs, 'webhook-signature': many } });
      expect(r2.status).toBe(401);
      expect(await changedSince(before)).toEqual([]);
      rec.add('payloads tried', 2);
      rec.add('payloads refused', 2);
    });
  });
});
