import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, eq } from '@conduit/core/testing';
import { createApp } from '../src/app';
import { createTestApi, PASSWORD, type TestApi } from './api-helpers';

const NEW_PASSWORD = 'plum-orbit-cactus-42';

/** The invitation link in the newest dev-inbox mail to `to`, as a person would copy it. */
async function linkFromInbox(t: TestApi, cookie: string, ws: string, to: string): Promise<string> {
  const inbox = await t.call('GET', `/api/workspaces/${ws}/dev-mail`, { cookie });
  expect(inbox.status).toBe(200);
  const mail = inbox.data.items.find((m: { to: string[] }) => m.to.includes(to));
  expect(mail, `no mail to ${to}`).toBeTruthy();
  const m = /https?:\/\/\S+\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text);
  expect(m).toBeTruthy();
  return m![1]!;
}

const cookieOf = (headers: Headers) => (headers.get('set-cookie') ?? '').split(';')[0]!;

describe.each(['pglite', 'pg'] as const)('members, invitations and sessions (%s)', (kind) => {
  let t: TestApi;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApi(kind);
    admin = await t.login(t.a.admin.email);
  });
  afterAll(() => t.close());

  it('links an invitation to the host the admin used when PUBLIC_URL is unset (X-Forwarded-Host from the edge)', async () => {
    expect(t.deps.config.PUBLIC_URL).toBeUndefined();
    const invite = (headers: Record<string, string>) =>
      t.call('POST', `/api/workspaces/${t.a.slug}/invites`, {
        cookie: admin,
        headers,
        json: { email: `edge-${crypto.randomUUID().slice(0, 6)}@alpha.test`, role: 'member' },
      });
    const viaEdge = await invite({ 'x-forwarded-host': 'd111.cloudfront.net' });
    expect(viaEdge.status).toBe(201);
    expect(viaEdge.data.link).toMatch(/^http:\/\/d111\.cloudfront\.net\/invite\/[A-Za-z0-9_-]{40,}$/);
    // Not a host name: ignored, the request's own origin is used.
    const odd = await invite({ 'x-forwarded-host': 'evil.test/phish?x=' });
    expect(odd.status).toBe(201);
    expect(new URL(odd.data.link).host).toBe('localhost');
  });

  it('invite → accept from the dev inbox link → member can read but not change → promoted, makes a key → removed: session and key fail', async () => {
    const email = `new-${crypto.randomUUID().slice(0, 6)}@alpha.test`;
    const inv = await t.call('POST', `/api/workspaces/${t.a.slug}/invites`, { cookie: admin, json: { email, role: 'member' } });
    expect(inv.status).toBe(201);
    expect(inv.data.emailed).toBe(true);
    expect(inv.data.link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
    const token = await linkFromInbox(t, admin, t.a.slug, email);
    expect(inv.data.link.endsWith(token)).toBe(true);
    // The token is stored hashed: the database never holds it.
    expect(JSON.stringify(await t.db.select().from((await import('@conduit/core/testing')).invitations))).not.toContain(token);

    const pending = await t.call('GET', `/api/workspaces/${t.a.slug}/invites`, { cookie: admin });
    expect(pending.data.items.map((i: { email: string }) => i.email)).toContain(email);

    const view = await t.call('GET', `/api/invites/${token}`);
    expect(view.status).toBe(200);
    expect(view.data).toMatchObject({ workspace: { name: 'Alpha', slug: t.a.slug }, email, role: 'member', invitedBy: 'Admin', existingUser: false });

    // Weak and common passwords are refused with words for a person, naming the field.
    const short = await t.call('POST', `/api/invites/${token}/accept`, { json: { name: 'Nia New', password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.data.error).toMatchObject({ path: 'password', message: 'Password: Use at least 10 characters.' });
    const common = await t.call('POST', `/api/invites/${token}/accept`, { json: { name: 'Nia New', password: 'qwertyuiop' } });
    expect(common.status).toBe(400);
    expect(common.data.error.message).toMatch(/most common/);

    const accepted = await t.call('POST', `/api/invites/${token}/accept`, { json: { name: 'Nia New', password: NEW_PASSWORD } });
    expect(accepted.status).toBe(200);
    expect(accepted.data.workspace).toMatchObject({ slug: t.a.slug, role: 'member' });
    expect(cookieOf(accepted.headers)).toMatch(/^conduit_session=/);
    // Single use.
    expect((await t.call('POST', `/api/invites/${token}/accept`, { json: { name: 'X', password: NEW_PASSWORD } })).status).toBe(404);
    expect((await t.call('GET', `/api/invites/${token}`)).status).toBe(404);
    expect((await t.call('GET', `/api/workspaces/${t.a.slug}/invites`, { cookie: admin })).data.items.map((i: { email: string }) => i.email)).not.toContain(
      email,
    );

    const nia = await t.login(email, NEW_PASSWORD);
    const userId = accepted.data.user.id as string;
    // What a member can and cannot do.
    expect((await t.call('GET', `/api/workspaces/${t.a.slug}/workflows`, { cookie: nia })).status).toBe(200);
    expect((await t.call('GET', `/api/workspaces/${t.a.slug}/members`, { cookie: nia })).status).toBe(200);
    expect((await t.call('POST', `/api/workspaces/${t.a.slug}/records/contact`, { cookie: nia, json: { data: { name: 'by member' } } })).status).toBe(201);
    const refused = await t.call('POST', `/api/workspaces/${t.a.slug}/workflows`, {
      cookie: nia,
      json: { name: 'x', trigger: { type: 'webhook' }, actions: [] },
    });
    expect(refused.status).toBe(403);
    expect((await t.call('POST', `/api/workspaces/${t.a.slug}/invites`, { cookie: nia, json: { email: 'x@y.test' } })).status).toBe(403);
    expect((await t.call('GET', `/api/workspaces/${t.a.slug}/audit`, { cookie: nia })).status).toBe(403);
    expect((await t.call('PATCH', `/api/workspaces/${t.a.slug}/members/${t.a.admin.id}`, { cookie: nia, json: { role: 'member' } })).status).toBe(403);
    // A member does not see invitation mail (its links are one-time credentials).
    const memberInbox = await t.call('GET', `/api/workspaces/${t.a.slug}/dev-mail`, { cookie: nia });
    expect(memberInbox.data.items.filter((m: { subject: string }) => /invited you/.test(m.subject))).toEqual([]);

    // Promoted, they create a key; removed, their session and key stop working at once.
    expect((await t.call('PATCH', `/api/workspaces/${t.a.slug}/members/${userId}`, { cookie: admin, json: { role: 'admin' } })).data.role).toBe('admin');
    const key = await t.call('POST', `/api/workspaces/${t.a.slug}/api-keys`, { cookie: nia, json: { name: 'nia script', role: 'member' } });
    expect(key.status).toBe(201);
    expect((await t.call('GET', `/api/workspaces/${t.a.slug}/workflows`, { key: key.data.key })).status).toBe(200);
    const removed = await t.call('DELETE', `/api/workspaces/${t.a.slug}/members/${userId}`, { cookie: admin });
    expect(removed.status).toBe(200);
    expect(removed.data.keysRevoked).toBe(1);
    expect((await t.call('GET', `/api/workspaces/${t.a.slug}/workflows`, { cookie: nia })).status).toBe(401);
    expect((await t.call('GET', '/api/me', { cookie: nia })).status).toBe(401);
    expect((await t.call('GET', `/api/workspaces/${t.a.slug}/workflows`, { key: key.data.key })).status).toBe(401);
    const members = await t.call('GET', `/api/workspaces/${t.a.slug}/members`, { cookie: admin });
    expect(members.data.items.map((m: { userId: string }) => m.userId)).not.toContain(userId);
  });

  it('the last admin can be neither demoted nor removed (409 saying so)', async () => {
    const demote = await t.call('PATCH', `/api/workspaces/${t.b.slug}/members/${t.b.admin.id}`, {
      cookie: await t.login(t.b.admin.email),
      json: { role: 'member' },
    });
    expect(demote.status).toBe(409);
    expect(demote.data.error).toMatchObject({ code: 'last_admin' });
    expect(demote.data.error.message).toMatch(/last admin/);
    const remove = await t.call('DELETE', `/api/workspaces/${t.b.slug}/members/${t.b.admin.id}`, { cookie: await t.login(t.b.admin.email) });
    expect(remove.status).toBe(409);
    expect(remove.data.error.message).toMatch(/last admin/);
  });

  it('a revoked or expired invitation no longer opens; an existing user signs in and accepts, then has two workspaces', async () => {
    const revoked = await t.call('POST', `/api/workspaces/${t.a.slug}/invites`, { cookie: admin, json: { email: 'gone@alpha.test' } });
    const rtoken = revoked.data.link.split('/invite/')[1];
    expect((await t.call('DELETE', `/api/workspaces/${t.a.slug}/invites/${revoked.data.invitation.id}`, { cookie: admin })).status).toBe(200);
    expect((await t.call('GET', `/api/invites/${rtoken}`)).status).toBe(404);

    const later = createApp({ ...t.deps, clock: () => new Date(Date.now() + 8 * 24 * 3600 * 1000) });
    const old = await t.call('POST', `/api/workspaces/${t.a.slug}/invites`, { cookie: admin, json: { email: 'late@alpha.test' } });
    const expired = await later.request(`/api/invites/${old.data.link.split('/invite/')[1]}`);
    expect(expired.status).toBe(404);

    // Beta's admin is invited to Alpha.
    const inv = await t.call('POST', `/api/workspaces/${t.a.slug}/invites`, { cookie: admin, json: { email: t.b.admin.email, role: 'member' } });
    const token = inv.data.link.split('/invite/')[1];
    expect((await t.call('GET', `/api/invites/${token}`)).data.existingUser).toBe(true);
    const anon = await t.call('POST', `/api/invites/${token}/accept`, { json: { name: 'x', password: NEW_PASSWORD } });
    expect(anon.status).toBe(409);
    expect(anon.data.error.code).toBe('sign_in_first');
    // Someone else signed in cannot take it.
    const wrong = await t.call('POST', `/api/invites/${token}/accept`, { cookie: await t.login(t.b.member.email), json: {} });
    expect(wrong.status).toBe(403);
    const bAdmin = await t.login(t.b.admin.email);
    const ok = await t.call('POST', `/api/invites/${token}/accept`, { cookie: bAdmin, json: {} });
    expect(ok.status).toBe(200);
    const me = await t.call('GET', '/api/me', { cookie: bAdmin });
    expect(me.data.workspaces.map((w: { slug: string; role: string }) => `${w.slug}:${w.role}`).sort()).toEqual(
      [`${t.a.slug}:member`, `${t.b.slug}:admin`].sort(),
    );
  });

  it('sessions: listed with device and last seen, others signed out; a password change ends the other sessions', async () => {
    const email = t.b.member.email;
    const phone = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const phoneCookie = cookieOf(phone.headers);
    const laptop = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const laptopCookie = cookieOf(laptop.headers);
    const list = await t.call('GET', '/api/me/sessions', { cookie: laptopCookie });
    expect(list.status).toBe(200);
    const devices = list.data.items.map((s: { device: string; current: boolean }) => `${s.device}${s.current ? ' (this one)' : ''}`);
    expect(devices).toContain('Firefox on Linux (this one)');
    expect(devices).toContain('Safari on iOS');
    const phoneSession = list.data.items.find((s: { device: string }) => s.device === 'Safari on iOS');
    expect(phoneSession.lastSeenAt).toMatch(/^\d{4}-/);
    expect((await t.call('DELETE', `/api/me/sessions/${phoneSession.id}`, { cookie: laptopCookie })).status).toBe(200);
    expect((await t.call('GET', '/api/me', { cookie: phoneCookie })).status).toBe(401);

    const other = await t.login(email);
    const wrong = await t.call('POST', '/api/me/password', { cookie: laptopCookie, json: { currentPassword: 'nope', newPassword: NEW_PASSWORD } });
    expect(wrong.status).toBe(400);
    expect(wrong.data.error.path).toBe('currentPassword');
    const changed = await t.call('POST', '/api/me/password', { cookie: laptopCookie, json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
    expect(changed.data.ended).toBeGreaterThanOrEqual(1);
    expect((await t.call('GET', '/api/me', { cookie: other })).status).toBe(401);
    expect((await t.call('GET', '/api/me', { cookie: laptopCookie })).status).toBe(200);
    await t.login(email, NEW_PASSWORD);
    const ended = await t.call('POST', '/api/me/sessions/end-others', { cookie: laptopCookie });
    expect(ended.data.ended).toBeGreaterThanOrEqual(1);
    expect((await t.call('GET', '/api/me/sessions', { cookie: laptopCookie })).data.items).toHaveLength(1);
  });

  it('sign-up is closed by default and, when open, creates a workspace with its first admin', async () => {
    const body = { name: 'Sam Starter', email: 'sam@startup.test', password: NEW_PASSWORD, workspaceName: 'Startup', workspaceSlug: `startup-${kind}` };
    expect((await t.call('GET', '/api/auth/options')).data).toEqual({ signup: false });
    const closed = await t.call('POST', '/api/auth/signup', { json: body });
    expect(closed.status).toBe(404);
    expect(closed.data.error.code).toBe('signup_closed');
    const open = createApp({ ...t.deps, config: { ...t.deps.config, SIGNUP: 'open' } });
    const res = await open.request('/api/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    const me = await open.request('/api/me', { headers: { cookie: cookieOf(res.headers) } });
    expect(((await me.json()) as { workspaces: unknown[] }).workspaces).toEqual([expect.objectContaining({ slug: `startup-${kind}`, role: 'admin' })]);
    const again = await open.request('/api/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(again.status).toBe(409);
  });

  it('the audit table refuses UPDATE and DELETE whoever asks', async () => {
    await t.call('POST', `/api/workspaces/${t.a.slug}/api-keys`, { cookie: admin, json: { name: 'for the audit' } });
    const [row] = await t.db.select().from(auditLog).where(eq(auditLog.workspaceId, t.a.id)).limit(1);
    expect(row).toBeTruthy();
    // drizzle wraps the database's error; the trigger's words are in its cause.
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'allowed',
        (e: Error & { cause?: Error }) => String(e.cause?.message ?? e.message),
      );
    expect(await refusal(t.db.update(auditLog).set({ summary: 'rewritten' }).where(eq(auditLog.id, row!.id)))).toMatch(/append-only: UPDATE/);
    expect(await refusal(t.db.delete(auditLog).where(eq(auditLog.id, row!.id)))).toMatch(/append-only: DELETE/);
    const [still] = await t.db.select().from(auditLog).where(eq(auditLog.id, row!.id));
    expect(still!.summary).toBe(row!.summary);
  });
});

describe('login limiter keyed on the address the platform saw', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi('pglite');
  });
  afterAll(() => t.close());

  const attempt = (app: ReturnType<typeof createApp>, env: unknown, xff: string, email: string, password: string) =>
    app.request(
      '/api/auth/login',
      { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': xff }, body: JSON.stringify({ email, password }) },
      env,
    );

  it('a forged X-Forwarded-For does not buy fresh attempts (Node socket and Lambda sourceIp)', async () => {
    for (const env of [
      { incoming: { socket: { remoteAddress: '203.0.113.9' } } },
      { requestContext: { http: { sourceIp: '203.0.113.10' } } },
      { requestContext: { identity: { sourceIp: '203.0.113.11' } } },
    ]) {
      const app = createApp({ ...t.deps, loginLimit: { attempts: 3, windowMs: 60_000 } });
      for (let i = 0; i < 3; i++) expect((await attempt(app, env, `198.51.100.${i}`, t.a.member.email, 'bad')).status).toBe(401);
      const forged = await attempt(app, env, '192.0.2.77', t.a.member.email, PASSWORD);
      expect(forged.status).toBe(429);
      expect(Number(forged.headers.get('retry-after'))).toBeGreaterThan(0);
      // A really different address is not limited.
      const other = { incoming: { socket: { remoteAddress: '198.51.100.200' } } };
      expect((await attempt(app, other, '203.0.113.9', t.a.member.email, PASSWORD)).status).toBe(200);
    }
  });

  it('many real addresses still get a bounded number of guesses at one account', async () => {
    const app = createApp({ ...t.deps, loginLimit: { attempts: 2, windowMs: 60_000 } });
    let limited = 0;
    for (let i = 0; i < 12; i++) {
      const r = await attempt(app, { incoming: { socket: { remoteAddress: `10.0.0.${i}` } } }, '', t.a.admin.email, 'bad');
      if (r.status === 429) limited++;
    }
    expect(limited).toBe(2); // 2 × 5 = 10 wrong guesses per email, then refused from anywhere
  });
});
