import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, sessions, eq } from '@conduit/core/testing';
import { sha256 } from '@conduit/core/domain';
import { createApp } from '../src/app';
import { createTestApi, PASSWORD, snapshot, type TestApi } from './api-helpers';

describe.each(['pglite', 'pg'] as const)('auth and API keys (%s)', (kind) => {
  let t: TestApi;
  let adminCookie: string;
  let memberCookie: string;
  beforeAll(async () => {
    t = await createTestApi(kind);
    adminCookie = await t.login(t.a.admin.email);
    memberCookie = await t.login(t.a.member.email);
  });
  afterAll(() => t.close());

  it('login sets an httpOnly SameSite=Lax session cookie and /me lists workspaces with roles', async () => {
    const res = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: t.a.admin.email.toUpperCase(), password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^conduit_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const me = await t.call('GET', '/api/me', { cookie: adminCookie });
    expect(me.status).toBe(200);
    expect(me.data.user.email).toBe(t.a.admin.email);
    expect(me.data.workspaces).toEqual([{ id: t.a.id, name: 'Alpha', slug: t.a.slug, role: 'admin' }]);
    expect(me.data.temporalUiUrl).toBe('http://localhost:8233');
    const meMember = await t.call('GET', '/api/me', { cookie: memberCookie });
    expect(meMember.data.workspaces[0].role).toBe('member');
  });

  it('the cookie is Secure when SECURE_COOKIES is on', async () => {
    const app = createApp({ ...t.deps, config: { ...t.deps.config, SECURE_COOKIES: true } });
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: t.a.admin.email, password: PASSWORD }),
    });
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('wrong password and unknown email get the same 401 (no user enumeration) and no session', async () => {
    const before = (await t.db.select().from(sessions)).length;
    const wrong = await t.call('POST', '/api/auth/login', { json: { email: t.a.admin.email, password: 'nope' } });
    const unknown = await t.call('POST', '/api/auth/login', { json: { email: 'ghost@nowhere.test', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.data).toEqual(unknown.data);
    expect(wrong.data.error.code).toBe('invalid_credentials');
    expect((await t.db.select().from(sessions)).length).toBe(before);
  });

  it('login is rate-limited per email and address with 429 and Retry-After', async () => {
    const app = createApp({ ...t.deps, loginLimit: { attempts: 3, windowMs: 60_000 } });
    // The address is the one the platform saw (here the Node socket), not a header the client writes.
    const attempt = (password: string) =>
      app.request(
        '/api/auth/login',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: t.a.member.email, password }) },
        { incoming: { socket: { remoteAddress: '203.0.113.9' } } },
      );
    for (let i = 0; i < 3; i++) expect((await attempt('bad')).status).toBe(401);
    const limited = await attempt(PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not limited.
    const other = await app.request(
      '/api/auth/login',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: t.a.member.email, password: PASSWORD }) },
      { incoming: { socket: { remoteAddress: '198.51.100.1' } } },
    );
    expect(other.status).toBe(200);
  });

  it('bad login bodies are 400 naming the field', async () => {
    const r = await t.call('POST', '/api/auth/login', { json: { email: 'a@b.c' } });
    expect(r.status).toBe(400);
    expect(r.data.error.path).toBe('password');
  });

  it('no session → 401 on every workspace route; logout ends the session', async () => {
    for (const path of [
      '/api/me',
      `/api/workspaces/${t.a.id}/workflows`,
      `/api/workspaces/${t.a.id}/executions`,
      `/api/workspaces/${t.a.id}/events`,
      `/api/workspaces/${t.a.id}/records/deal`,
      `/api/workspaces/${t.a.id}/dev-mail`,
      `/api/workspaces/${t.a.id}/api-keys`,
    ]) {
      const r = await t.call('GET', path);
      expect(r.status, path).toBe(401);
      expect(r.data.error.code).toBe('unauthorized');
    }
    // A write without a session is 401 whatever its body: invalid, poisoned or huge, it is not even read.
    const records = `/api/workspaces/${t.a.id}/records/deal`;
    for (const body of ['{"data": 5}', '{"data": {"a": "\\u0000"}}', '{"__proto__": {}}', `{"data": {"s": "${'x'.repeat(2_000_000)}"}}`]) {
      const r = await t.call('POST', records, { body, headers: { 'content-type': 'application/json' } });
      expect(r.status, body.slice(0, 40)).toBe(401);
    }
    expect((await t.call('POST', `/api/workspaces/${t.a.id}/workflows`, { json: { name: 1 } })).status).toBe(401);
    const cookie = await t.login(t.a.member.email);
    expect((await t.call('GET', '/api/me', { cookie })).status).toBe(200);
    // With a session the same invalid body is a 400 naming the field.
    const invalid = await t.call('POST', records, { cookie, body: '{"data": 5}', headers: { 'content-type': 'application/json' } });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.data)).toMatch(/data/);
    const out = await t.call('POST', '/api/auth/logout', { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/conduit_session=;/);
    expect((await t.call('GET', '/api/me', { cookie })).status).toBe(401);
  });

  it('a session reaches its own workspace by id or slug; another, an unknown one and an expired session do not', async () => {
    const cookie = await t.login(t.a.member.email);
    for (const ws of [t.a.id, t.a.slug]) expect((await t.call('GET', `/api/workspaces/${ws}/workflows`, { cookie })).status, ws).toBe(200);
    // Not a member, no such workspace (by slug and by id): the same 404, so nothing is revealed.
    for (const ws of [t.b.id, t.b.slug, 'no-such-workspace', '00000000-0000-4000-8000-000000000000']) {
      const r = await t.call('GET', `/api/workspaces/${ws}/workflows`, { cookie });
      expect(r.status, ws).toBe(404);
      expect(r.data.error.code).toBe('not_found');
    }
    const token = /conduit_session=([^;]+)/.exec(cookie)![1]!;
    await t.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(sessions.id, sha256(token)));
    expect((await t.call('GET', `/api/workspaces/${t.a.id}/workflows`, { cookie })).status).toBe(401);
    expect((await t.call('GET', '/api/me', { cookie })).status).toBe(401);
  });

  it('API keys: created once (stored as SHA-256), listed without the key, usable as Bearer, revoked → 401', async () => {
    const created = await t.call('POST', `/api/workspaces/${t.a.id}/api-keys`, { cookie: adminCookie, json: { name: 'ci', role: 'admin' } });
    expect(created.status).toBe(201);
    const key: string = created.data.key;
    expect(key).toMatch(/^cdk_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, created.data.apiKey.id));
    expect(row!.keyHash).not.toContain(key);
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    const list = await t.call('GET', `/api/workspaces/${t.a.id}/api-keys`, { cookie: adminCookie });
    expect(JSON.stringify(list.data)).not.toContain(key);
    expect(list.data.items[0].prefix).toBe(key.slice(0, 12));

    const me = await t.call('GET', '/api/me', { key });
    expect(me.status).toBe(200);
    expect(me.data.apiKey.name).toBe('ci');
    expect((await t.call('GET', `/api/workspaces/${t.a.id}/workflows`, { key })).status).toBe(200);
    // The key belongs to A: B's data is 404, as if it did not exist.
    expect((await t.call('GET', `/api/workspaces/${t.b.id}/workflows`, { key })).status).toBe(404);

    const revoked = await t.call('DELETE', `/api/workspaces/${t.a.id}/api-keys/${created.data.apiKey.id}`, { cookie: adminCookie });
    expect(revoked.status).toBe(200);
    expect(revoked.data.revokedAt).not.toBeNull();
    const after = await t.call('GET', `/api/workspaces/${t.a.id}/workflows`, { key });
    expect(after.status).toBe(401);
  });

  it('an expired API key → 401; a malformed Bearer → 401; member keys cannot change workflows', async () => {
    const created = await t.call('POST', `/api/workspaces/${t.a.id}/api-keys`, {
      cookie: adminCookie,
      json: { name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(created.status).toBe(201);
    expect(created.data.apiKey.role).toBe('member');
    expect((await t.call('GET', `/api/workspaces/${t.a.id}/workflows`, { key: created.data.key })).status).toBe(200);
    const later = createApp({ ...t.deps, clock: () => new Date(Date.now() + 120_000) });
    const res = await later.request(`/api/workspaces/${t.a.id}/workflows`, { headers: { authorization: `Bearer ${created.data.key}` } });
    expect(res.status).toBe(401);
    expect((await t.call('GET', '/api/me', { key: 'cdk_not-a-real-key' })).status).toBe(401);
    expect((await t.call('GET', '/api/me', { headers: { authorization: 'Basic Zm9vOmJhcg==' } })).status).toBe(401);
    const write = await t.call('POST', `/api/workspaces/${t.a.id}/workflows`, {
      key: created.data.key,
      json: { name: 'x', trigger: { type: 'webhook' }, actions: [] },
    });
    expect(write.status).toBe(403);
    const past = await t.call('POST', `/api/workspaces/${t.a.id}/api-keys`, { cookie: adminCookie, json: { name: 'old', expiresAt: '2000-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect(past.data.error.path).toBe('expiresAt');
  });

  it('members cannot manage keys (403) and nothing changes; another workspace’s key ids are 404', async () => {
    const before = await snapshot(t.db);
    const r = await t.call('POST', `/api/workspaces/${t.a.id}/api-keys`, { cookie: memberCookie, json: { name: 'm' } });
    expect(r.status).toBe(403);
    expect(r.data.error.message).toMatch(/only workspace admins can manage API keys/);
    const bCookie = await t.login(t.b.admin.email);
    const bKey = await t.call('POST', `/api/workspaces/${t.b.id}/api-keys`, { cookie: bCookie, json: { name: 'b' } });
    const snap = await snapshot(t.db);
    const cross = await t.call('DELETE', `/api/workspaces/${t.a.id}/api-keys/${bKey.data.apiKey.id}`, { cookie: adminCookie });
    expect(cross.status).toBe(404);
    expect(await snapshot(t.db)).toBe(snap);
    expect((await t.call('GET', `/api/workspaces/${t.b.id}/api-keys`, { cookie: adminCookie })).status).toBe(404);
    expect(before).not.toBe(snap);
  });
});
