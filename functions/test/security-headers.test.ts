import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CSP, APP_CSP } from '@conduit/core/security-headers';
import { createApp } from '../src/app';
import { createHookHandler, createIngress } from '../src/ingress';
import { createNodeHookListener } from '../src/ingress/node';
import { createTestApi, webhookWorkflow, type TestApi } from './api-helpers';

/** Every route kind answers with the security headers: app HTML, assets, API JSON and errors, hooks, the OpenAPI document. */
describe('security headers on every response', () => {
  let t: TestApi;
  let app: ReturnType<typeof createApp>;
  let admin: string;
  let hookPath: string;
  const web = mkdtempSync(join(tmpdir(), 'conduit-web-'));
  beforeAll(async () => {
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Conduit</title><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(web, 'assets/app.js'), 'console.log(1)');
    t = await createTestApi('pglite');
    app = createApp({ ...t.deps, staticDir: web });
    admin = await t.login(t.a.admin.email);
    const wf = await t.call('POST', `/api/workspaces/${t.a.id}/workflows`, { cookie: admin, json: webhookWorkflow });
    hookPath = (await t.call('POST', `/api/workspaces/${t.a.id}/workflows/${wf.data.id}/activate`, { cookie: admin })).data.workflow.hookPath;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(web, { recursive: true, force: true });
  });

  const expectSecure = (res: Response, csp: string, https = false) => {
    expect(res.headers.get('content-security-policy')).toBe(csp);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    if (https) expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    else expect(res.headers.get('strict-transport-security')).toBeNull();
  };
  const get = (path: string, init: RequestInit = {}) => app.request(path, init);

  it.each([
    ['app HTML (an app route)', '/w/alpha/settings/workflows', 200, APP_CSP],
    ['app HTML (root)', '/', 200, APP_CSP],
    ['a static asset', '/assets/app.js', 200, APP_CSP],
    ['a missing asset', '/assets/nope.js', 404, APP_CSP],
    ['API error: no session', '/api/me', 401, API_CSP],
    ['API error: unknown route', '/api/nope', 404, API_CSP],
    ['the OpenAPI document', '/api/openapi.json', 200, API_CSP],
    ['a hook that does not exist', '/hooks/doesnotexist', 404, API_CSP],
  ])('%s', async (_, path, status, csp) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expectSecure(res, csp);
  });

  it('API JSON, signed in, and its 400 and 403 refusals', async () => {
    const ok = await get(`/api/workspaces/${t.a.id}/workflows`, { headers: { cookie: admin } });
    expect(ok.status).toBe(200);
    expectSecure(ok, API_CSP);
    const bad = await get(`/api/workspaces/${t.a.id}/workflows`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
    expectSecure(bad, API_CSP);
    const member = await t.login(t.a.member.email);
    const refused = await get(`/api/workspaces/${t.a.id}/api-keys`, { headers: { cookie: member } });
    expect(refused.status).toBe(403);
    expectSecure(refused, API_CSP);
  });

  it('the hook ingress: 202 and 4xx, through the API app and on its own (the ingress Lambda)', async () => {
    const accepted = await get(hookPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(accepted.status).toBe(202);
    expectSecure(accepted, API_CSP);
    const wrongMethod = await get(hookPath, { method: 'GET' });
    expect(wrongMethod.status).toBeGreaterThanOrEqual(400);
    expectSecure(wrongMethod, API_CSP);
    const alone = createIngress({ db: t.db, queue: t.deps.queue, config: t.deps.config, secrets: t.deps.secrets });
    const res = await alone.request(hookPath.replace('/hooks', ''), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    expectSecure(res, API_CSP);
  });

  it('the hook ingress on node:http (the local server’s hot path): 202 and 404, HSTS only behind HTTPS', async () => {
    const listener = createNodeHookListener(createHookHandler({ db: t.db, queue: t.deps.queue, config: t.deps.config, secrets: t.deps.secrets }));
    const server: Server = createServer((req, res) => {
      if (!listener(req, res)) res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(ok.status).toBe(202);
      expectSecure(ok, API_CSP);
      const missing = await fetch(`${base}/hooks/nope`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: '{}',
      });
      expect(missing.status).toBe(404);
      expectSecure(missing, API_CSP, true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('HSTS only over HTTPS: the URL (Lambda) or X-Forwarded-Proto (a proxy)', async () => {
    expectSecure(await app.request('https://conduit.example/api/openapi.json'), API_CSP, true);
    expectSecure(await get('/', { headers: { 'x-forwarded-proto': 'https' } }), APP_CSP, true);
    expectSecure(await get('/', { headers: { 'x-forwarded-proto': 'http' } }), APP_CSP, false);
  });
});
