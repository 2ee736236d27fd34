/**
 * The secrets API and the rules around it, over a real database: admin only, names checked, values
 * never answered; credential fields refuse literals; the start-up migration moves literal credentials
 * of existing drafts and versions into generated secrets and rewrites the references.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@conduit/core/crypto';
import { migrateLiteralCredentials, openSecrets, resealSecrets } from '@conduit/core/domain';
import { workflowVersions, workflows, workspaceSecrets, eq } from '@conduit/core/testing';
import { createTestApi, type TestApi } from './api-helpers';

describe('secrets API (pglite)', () => {
  let t: TestApi;
  let admin: string;
  let member: string;
  let base: string;
  beforeAll(async () => {
    t = await createTestApi('pglite');
    admin = await t.login(t.a.admin.email);
    member = await t.login(t.a.member.email);
    base = `/api/workspaces/${t.a.id}`;
  });
  afterAll(() => t.close());

  it('admins create, replace and delete; members get 403; another workspace sees nothing', async () => {
    const created = await t.call('PUT', `${base}/secrets/STRIPE_KEY`, { cookie: admin, json: { value: 'sk_test_0123456789abcd' } });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ name: 'STRIPE_KEY', hint: '…abcd', createdBy: t.a.admin.email, updatedBy: t.a.admin.email, usedBy: [] });
    const replaced = await t.call('PUT', `${base}/secrets/STRIPE_KEY`, { cookie: admin, json: { value: 'short' } });
    expect(replaced.status).toBe(200);
    // A short value gives no hint: its last 4 characters would be most of it.
    expect(replaced.data.hint).toBeNull();
    const [row] = await t.db.select().from(workspaceSecrets).where(eq(workspaceSecrets.workspaceId, t.a.id));
    expect(row!.ciphertext).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('short"');
    expect((await openSecrets(t.db, t.deps.secrets, { workspaceId: t.a.id, names: ['STRIPE_KEY'] })).get('STRIPE_KEY')).toBe('short');

    expect((await t.call('GET', `${base}/secrets`, { cookie: member })).status).toBe(403);
    expect((await t.call('DELETE', `${base}/secrets/STRIPE_KEY`, { cookie: member })).status).toBe(403);
    const otherAdmin = await t.login(t.b.admin.email);
    expect((await t.call('GET', `/api/workspaces/${t.b.id}/secrets`, { cookie: otherAdmin })).data.items).toEqual([]);
    expect((await t.call('DELETE', `/api/workspaces/${t.b.id}/secrets/STRIPE_KEY`, { cookie: otherAdmin })).status).toBe(404);

    for (const bad of ['lower', '1ABC', 'A-B', 'A'.repeat(65)]) {
      const r = await t.call('PUT', `${base}/secrets/${bad}`, { cookie: admin, json: { value: 'x' } });
      expect(r.status, bad).toBe(400);
      expect(r.data.error.message).toMatch(/^Name: use upper case letters/);
    }
    expect((await t.call('PUT', `${base}/secrets/EMPTY`, { cookie: admin, json: { value: '' } })).status).toBe(400);
    expect((await t.call('DELETE', `${base}/secrets/STRIPE_KEY`, { cookie: admin })).status).toBe(200);
    expect((await t.call('DELETE', `${base}/secrets/STRIPE_KEY`, { cookie: admin })).status).toBe(404);
  });

  it('refuses literal credentials in headers, query and auth, and secrets where they are not resolved', async () => {
    const hook = (action: Record<string, unknown>) => ({
      name: 'Lit',
      trigger: { type: 'webhook' },
      actions: [{ id: 'call', name: 'Call API', type: 'send_webhook', url: 'https://api.example.com/x', ...action }],
    });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ headers: { 'x-api-key': 'abc123' } }, /^Step "Call API", Headers "x-api-key": .*store it as a secret/],
      [{ headers: { Cookie: 'sid=1' } }, /Headers "Cookie"/],
      [{ headers: { 'X-Auth-Token': 'Bearer abc {{trigger.body.x}}' } }, /Headers "X-Auth-Token"/],
      [{ query: { api_key: 'abc' } }, /^Step "Call API", Query parameters "api_key": .*store it as a secret/],
      [{ auth: { type: 'bearer', token: 'sk_live_literal' } }, /must be a secret, written \{\{secrets.NAME\}\}/],
      [{ auth: { type: 'basic', username: 'bob', password: '{{secrets.PW}}' } }, /must be a secret/],
    ];
    for (const [action, message] of cases) {
      const r = await t.call('POST', `${base}/workflows`, { cookie: admin, json: hook(action) });
      expect(r.status, JSON.stringify(action)).toBe(400);
      expect(r.data.error.message).toMatch(message);
    }
    const inRecord = await t.call('POST', `${base}/workflows`, {
      cookie: admin,
      json: {
        name: 'R',
        trigger: { type: 'webhook' },
        actions: [{ id: 'mk', name: 'Save', type: 'create_record', object: 'deal', data: { k: '{{secrets.PW}}' } }],
      },
    });
    expect(inRecord.status).toBe(400);
    expect(inRecord.data.error.message).toBe('Step "Save", Fields: secrets cannot be used in this field (secret PW)');
    // References and templated values are fine.
    const ok = await t.call('POST', `${base}/workflows`, {
      cookie: admin,
      json: hook({ headers: { Authorization: 'Bearer {{secrets.PW}}', 'X-Session-Token': '{{trigger.body.token}}' } }),
    });
    expect(ok.status).toBe(201);
  });

  it('moves literal credentials of existing drafts and versions into generated secrets, once', async () => {
    const value = 'Bearer legacy-0123456789-token';
    const actions = [
      {
        id: 'call',
        type: 'send_webhook',
        method: 'POST',
        url: 'https://api.example.com/x',
        headers: { Authorization: value },
        query: { apikey: 'q-key-0001' },
      },
    ];
    // Written straight to the tables, as a definition saved before the rule existed.
    const [wf] = await t.db
      .insert(workflows)
      .values({ name: 'Old CRM sync', workspaceId: t.a.id, companyId: t.a.companyId, trigger: { type: 'webhook' } as never, actions: actions as never })
      .returning();
    const [v] = await t.db
      .insert(workflowVersions)
      .values({ workflowId: wf!.id, workspaceId: t.a.id, version: 1, name: 'Old CRM sync', trigger: { type: 'webhook' } as never, actions: actions as never })
      .returning();
    await t.db.update(workflows).set({ isActive: true, activeVersionId: v!.id }).where(eq(workflows.id, wf!.id));

    expect(await migrateLiteralCredentials(t.db, t.deps.secrets)).toEqual({ secrets: 2, definitions: 2 });
    const read = await t.call('GET', `${base}/workflows/${wf!.id}`, { cookie: member });
    expect(read.data.actions[0].headers).toEqual({ Authorization: '{{secrets.OLD_CRM_SYNC_AUTHORIZATION}}' });
    expect(read.data.actions[0].query).toEqual({ apikey: '{{secrets.OLD_CRM_SYNC_APIKEY}}' });
    const versions = await t.call('GET', `${base}/workflows/${wf!.id}/versions`, { cookie: member });
    expect(JSON.stringify(versions.data)).toContain('{{secrets.OLD_CRM_SYNC_AUTHORIZATION}}');
    for (const r of [read, versions]) expect(JSON.stringify(r.data)).not.toContain('legacy-0123456789');
    const opened = await openSecrets(t.db, t.deps.secrets, { workspaceId: t.a.id, names: ['OLD_CRM_SYNC_AUTHORIZATION', 'OLD_CRM_SYNC_APIKEY'] });
    expect(Object.fromEntries(opened)).toEqual({ OLD_CRM_SYNC_AUTHORIZATION: value, OLD_CRM_SYNC_APIKEY: 'q-key-0001' });
    const list = await t.call('GET', `${base}/secrets`, { cookie: admin });
    expect(list.data.items.find((s: { name: string }) => s.name === 'OLD_CRM_SYNC_AUTHORIZATION')).toMatchObject({
      createdBy: null,
      usedBy: [{ workflowId: wf!.id, name: 'Old CRM sync', active: true, inDraft: true, inActiveVersion: true, versions: [1] }],
    });
    // Nothing left to move: a second start changes nothing.
    expect(await migrateLiteralCredentials(t.db, t.deps.secrets)).toEqual({ secrets: 0, definitions: 0 });
  });

  it('rotating ENCRYPTION_KEY: every secret is re-encrypted under the new key and opens to the same value', async () => {
    await t.call('PUT', `${base}/secrets/ROTATE_ME`, { cookie: admin, json: { value: 'rotate-me-0123456789' } });
    const next = createSecretBox('c'.repeat(64));
    const first = await resealSecrets(t.db, t.deps.secrets, next);
    expect(first.resealed).toBeGreaterThan(0);
    expect((await openSecrets(t.db, next, { workspaceId: t.a.id, names: ['ROTATE_ME'] })).get('ROTATE_ME')).toBe('rotate-me-0123456789');
    await expect(openSecrets(t.db, t.deps.secrets, { workspaceId: t.a.id, names: ['ROTATE_ME'] })).rejects.toThrow();
    // A second run finds everything under the new key already.
    expect(await resealSecrets(t.db, t.deps.secrets, next)).toEqual({ resealed: 0, alreadyNew: first.resealed + first.alreadyNew });
    await resealSecrets(t.db, next, t.deps.secrets);
  });
});
