import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, PASSWORD, type TestApi } from './api-helpers';

type Role = 'admin' | 'member' | 'anonymous';
type Expect = { body?: unknown; query?: string; admin: number; member: number; anonymous: number };

/**
 * The role table: every operation of /api/openapi.json, what each role gets. Ids in paths are
 * unknown ones, so an allowed caller reaches the "no such …" 404 while a refused one is stopped
 * before (403 for a member on an admin route, 401 for nobody). A route missing here fails the
 * test: add it, with its rule, here and in docs/api.md.
 */
const TABLE: Record<string, Expect> = {
  'POST /api/auth/login': { body: 'login', admin: 200, member: 200, anonymous: 200 },
  'POST /api/auth/logout': { admin: 200, member: 200, anonymous: 200 },
  'GET /api/auth/options': { admin: 200, member: 200, anonymous: 200 },
  'POST /api/auth/signup': {
    body: { name: 'N', email: 'n@x.test', password: 'violet-anchor-77', workspaceName: 'N', workspaceSlug: 'nn' },
    admin: 404,
    member: 404,
    anonymous: 404,
  },
  'GET /api/me': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/me/sessions': { admin: 200, member: 200, anonymous: 401 },
  'POST /api/me/sessions/end-others': { admin: 200, member: 200, anonymous: 401 },
  'DELETE /api/me/sessions/{id}': { admin: 404, member: 404, anonymous: 401 },
  'POST /api/me/password': { body: { currentPassword: 'not-the-password', newPassword: 'violet-anchor-77' }, admin: 400, member: 400, anonymous: 401 },
  'GET /api/invites/{token}': { admin: 404, member: 404, anonymous: 404 },
  'POST /api/invites/{token}/accept': { body: {}, admin: 404, member: 404, anonymous: 404 },
  'GET /api/workspaces/{ws}/api-keys': { admin: 200, member: 403, anonymous: 401 },
  'POST /api/workspaces/{ws}/api-keys': { body: { name: 'k' }, admin: 201, member: 403, anonymous: 401 },
  'DELETE /api/workspaces/{ws}/api-keys/{id}': { admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/workflows': { admin: 200, member: 200, anonymous: 401 },
  'POST /api/workspaces/{ws}/workflows': { body: { name: 'w', trigger: { type: 'webhook' }, actions: [] }, admin: 201, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/workflows/{id}': { admin: 404, member: 404, anonymous: 401 },
  'PATCH /api/workspaces/{ws}/workflows/{id}': { body: { name: 'x' }, admin: 404, member: 403, anonymous: 401 },
  'DELETE /api/workspaces/{ws}/workflows/{id}': { admin: 404, member: 403, anonymous: 401 },
  'POST /api/workspaces/{ws}/workflows/{id}/activate': { admin: 404, member: 403, anonymous: 401 },
  'POST /api/workspaces/{ws}/workflows/{id}/deactivate': { admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/workflows/{id}/versions': { admin: 404, member: 404, anonymous: 401 },
  'POST /api/workspaces/{ws}/workflows/{id}/publish': { admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/workflows/{id}/versions/{version}': { admin: 404, member: 404, anonymous: 401 },
  'POST /api/workspaces/{ws}/workflows/{id}/versions/{version}/restore': { admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/workflows/{id}/diff': { admin: 404, member: 404, anonymous: 401 },
  'POST /api/workspaces/{ws}/workflows/{id}/secret/rotate': { body: {}, admin: 404, member: 403, anonymous: 401 },
  'POST /api/workspaces/{ws}/workflows/{id}/test': { body: {}, admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/schedule-preview': { query: 'cron=0+9+*+*+*', admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/executions': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/executions/{id}': { admin: 404, member: 404, anonymous: 401 },
  'POST /api/workspaces/{ws}/executions/{id}/cancel': { admin: 404, member: 403, anonymous: 401 },
  'POST /api/workspaces/{ws}/executions/{id}/retry': { admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/events': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/hook-refusals': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/events/{id}': { admin: 404, member: 404, anonymous: 401 },
  'POST /api/workspaces/{ws}/events/{id}/replay': { admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/records/{object}': { admin: 200, member: 200, anonymous: 401 },
  'POST /api/workspaces/{ws}/records/{object}': { body: { data: { name: 'r' } }, admin: 201, member: 201, anonymous: 401 },
  'GET /api/workspaces/{ws}/records/{object}/{id}': { admin: 404, member: 404, anonymous: 401 },
  'PATCH /api/workspaces/{ws}/records/{object}/{id}': { body: { data: { name: 'r' } }, admin: 404, member: 404, anonymous: 401 },
  'DELETE /api/workspaces/{ws}/records/{object}/{id}': { admin: 404, member: 404, anonymous: 401 },
  'GET /api/workspaces/{ws}/dev-mail': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/members': { admin: 200, member: 200, anonymous: 401 },
  'PATCH /api/workspaces/{ws}/members/{userId}': { body: { role: 'member' }, admin: 404, member: 403, anonymous: 401 },
  'DELETE /api/workspaces/{ws}/members/{userId}': { admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/invites': { admin: 200, member: 403, anonymous: 401 },
  'POST /api/workspaces/{ws}/invites': { body: { email: 'someone@example.test' }, admin: 201, member: 403, anonymous: 401 },
  'DELETE /api/workspaces/{ws}/invites/{id}': { admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/audit': { admin: 200, member: 403, anonymous: 401 },
  // Manual runs: anyone may try (a member only on workflows that allow members; unknown id → 404).
  'POST /api/workspaces/{ws}/workflows/{id}/run': { admin: 404, member: 404, anonymous: 401 },
  'GET /api/workspaces/{ws}/manual-workflows': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/workflows/{id}/export': { admin: 404, member: 403, anonymous: 401 },
  'POST /api/workspaces/{ws}/workflows/import': {
    body: { format: 'conduit.workflow', version: 1, name: 'imp', trigger: { type: 'webhook' }, actions: [] },
    admin: 201,
    member: 403,
    anonymous: 401,
  },
  'GET /api/workspaces/{ws}/templates': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/executions/{id}/calls': { admin: 404, member: 404, anonymous: 401 },
  'GET /api/workspaces/{ws}/objects': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/objects/{object}/fields': { admin: 200, member: 200, anonymous: 401 },
  'GET /api/workspaces/{ws}/secrets': { admin: 200, member: 403, anonymous: 401 },
  'PUT /api/workspaces/{ws}/secrets/{name}': { body: { value: 'not-a-real-secret' }, admin: 201, member: 403, anonymous: 401 },
  'DELETE /api/workspaces/{ws}/secrets/{name}': { admin: 404, member: 403, anonymous: 401 },
  // Decrypting Temporal payloads is an operator's tool: admins of a workspace only.
  'POST /api/temporal-codec/decode': { body: { payloads: [] }, admin: 200, member: 403, anonymous: 401 },
  // Approvals: listed per caller; deciding checks the approver list after finding the approval.
  'GET /api/workspaces/{ws}/approvals': { admin: 200, member: 200, anonymous: 401 },
  'POST /api/workspaces/{ws}/approvals/{id}/decision': { body: { decision: 'approve' }, admin: 404, member: 404, anonymous: 401 },
  // Emailed links are public: the token is the credential.
  'GET /api/approval-links/{token}': { admin: 404, member: 404, anonymous: 404 },
  'POST /api/approval-links/{token}': { admin: 404, member: 404, anonymous: 404 },
  'GET /api/workspaces/{ws}/failure-alerts': { admin: 200, member: 403, anonymous: 401 },
  'PUT /api/workspaces/{ws}/failure-alerts': { body: { enabled: true }, admin: 200, member: 403, anonymous: 401 },
  'PUT /api/workspaces/{ws}/workflows/{id}/failure-alerts': { body: { failureAlerts: false }, admin: 404, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/retention': { admin: 200, member: 403, anonymous: 401 },
  'PUT /api/workspaces/{ws}/retention': { body: { days: 90 }, admin: 200, member: 403, anonymous: 401 },
  'GET /api/workspaces/{ws}/usage': { admin: 200, member: 200, anonymous: 401 },
};

describe('role table over /api/openapi.json', () => {
  let t: TestApi;
  let operations: string[] = [];
  beforeAll(async () => {
    t = await createTestApi('pglite');
    const doc = (await t.call('GET', '/api/openapi.json')).data as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  });
  afterAll(() => t.close());

  it('every operation has a row (add new routes to the table and to docs/api.md)', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter((o) => !TABLE[o])).toEqual([]);
    expect(Object.keys(TABLE).filter((o) => !operations.includes(o))).toEqual([]);
  });

  it.each(['admin', 'member', 'anonymous'] as const)('every operation answers %s as the table says', async (role: Role) => {
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const op of operations) {
      const row = TABLE[op];
      if (!row) continue;
      const [method, template] = op.split(' ') as [string, string];
      // A fresh session per operation: logout and "sign out elsewhere" must not spoil the next one.
      const cookie = role === 'anonymous' ? undefined : await t.login(role === 'admin' ? t.a.admin.email : t.a.member.email);
      const path = template
        .replace('{ws}', t.a.slug)
        .replace('{object}', 'contact')
        .replace('{token}', 'not-a-token')
        .replace('{version}', '1')
        .replace('{name}', `ROLE_TABLE_${method}`) // PUT creates its own, DELETE meets an unknown one
        .replace(/\{(id|userId)\}/g, () => crypto.randomUUID());
      const json =
        row.body === 'login' ? { email: t.a.member.email, password: PASSWORD } : (row.body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}));
      const res = await t.call(method, row.query ? `${path}?${row.query}` : path, { ...(cookie ? { cookie } : {}), ...(json !== undefined ? { json } : {}) });
      got[op] = res.status;
      want[op] = row[role];
    }
    expect(got).toEqual(want);
  });
});
