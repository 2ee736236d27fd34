import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecution, openApproval } from '@conduit/core/domain';
import { eq, workflowExecutions, workflows } from '@conduit/core/testing';
import { createTestApi, PASSWORD, type TestApi } from './api-helpers';

type Entry = {
  action: string;
  actor: { kind: string; id: string | null; name: string };
  target: { type: string; id: string | null; name: string | null };
  summary: string;
};

/**
 * Each audited action performed once through the API, then exactly one matching entry with the
 * right actor. The signing secret's value never appears in any entry.
 */
describe('audit log', () => {
  let t: TestApi;
  let admin: string;
  const entries: Entry[] = [];
  let secret = '';
  let keyId = '';
  let wfId = '';
  let joinedId = '';
  let importedId = '';
  let inAppId = '';
  let byLinkId = '';
  const SECRET_VALUE = 'sk_live_secret_value_never_logged';

  beforeAll(async () => {
    t = await createTestApi('pglite');
    const failed = await t.call('POST', '/api/auth/login', { json: { email: t.a.admin.email, password: 'wrong password' } });
    expect(failed.status).toBe(401);
    admin = await t.login(t.a.admin.email);
    const ws = `/api/workspaces/${t.a.slug}`;
    const call = (method: string, path: string, json?: unknown, auth: { cookie?: string; key?: string } = { cookie: admin }) =>
      t.call(method, `${ws}${path}`, { ...auth, ...(json !== undefined ? { json } : {}) });

    const wf = await call('POST', '/workflows', { name: 'Lead hook', trigger: { type: 'webhook', auth: { mode: 'signature' } }, actions: [] });
    expect(wf.status).toBe(201);
    wfId = wf.data.id;
    expect(
      (
        await call('PATCH', `/workflows/${wfId}`, {
          name: 'Lead intake',
          actions: [{ id: 'mk', type: 'create_record', object: 'contact', data: { name: 'sk_live_should_not_show' } }],
        })
      ).status,
    ).toBe(200);
    expect((await call('POST', `/workflows/${wfId}/activate`)).status).toBe(200);
    const rotated = await call('POST', `/workflows/${wfId}/secret/rotate`, { kind: 'webhook_signing' });
    expect(rotated.status).toBe(200);
    secret = rotated.data.secret;
    const test = await call('POST', `/workflows/${wfId}/test`, { payload: { name: 'Sample' } });
    expect(test.status).toBe(201);
    expect((await call('POST', `/executions/${test.data.id}/cancel`)).status).toBe(202);
    // The worker would mark it cancelled; none runs here, so the row is set as the worker would.
    await t.db.update(workflowExecutions).set({ status: 'cancelled' }).where(eq(workflowExecutions.id, test.data.id));
    const retry = await call('POST', `/executions/${test.data.id}/retry`);
    expect(retry.status).toBe(201);
    // No worker runs it either; ended, so that the workflow can be deleted below.
    await t.db.update(workflowExecutions).set({ status: 'cancelled' }).where(eq(workflowExecutions.id, retry.data.id));
    expect((await call('POST', `/workflows/${wfId}/deactivate`)).status).toBe(200);

    const key = await call('POST', '/api-keys', { name: 'CI script', role: 'admin' });
    expect(key.status).toBe(201);
    keyId = key.data.apiKey.id;
    // An API key acts: the replay is attributed to the key, by name.
    expect((await call('POST', '/records/contact', { data: { name: 'Grace' } })).status).toBe(201);
    const events = await call('GET', '/events', undefined, { key: key.data.key });
    expect((await call('POST', `/events/${events.data.items[0].id}/replay`, undefined, { key: key.data.key })).status).toBe(202);
    expect((await call('DELETE', `/api-keys/${keyId}`)).status).toBe(200);

    const inv = await call('POST', '/invites', { email: 'joiner@alpha.test', role: 'member' });
    const joined = await t.call('POST', `/api/invites/${inv.data.link.split('/invite/')[1]}/accept`, {
      json: { name: 'Jo Joiner', password: 'violet-anchor-77' },
    });
    expect(joined.status).toBe(200);
    joinedId = joined.data.user.id;
    const other = await call('POST', '/invites', { email: 'never@alpha.test' });
    expect((await call('DELETE', `/invites/${other.data.invitation.id}`)).status).toBe(200);
    expect((await call('PATCH', `/members/${joinedId}`, { role: 'admin' })).status).toBe(200);
    expect((await call('DELETE', `/members/${joinedId}`)).status).toBe(200);
    expect((await call('DELETE', `/workflows/${wfId}`)).status).toBe(204);

    expect((await call('PUT', '/secrets/CRM_TOKEN', { value: SECRET_VALUE })).status).toBe(201);
    expect((await call('DELETE', '/secrets/CRM_TOKEN')).status).toBe(200);
    const imported = await call('POST', '/workflows/import', {
      format: 'conduit.workflow',
      version: 1,
      name: 'From a file',
      trigger: { type: 'webhook' },
      actions: [],
    });
    expect(imported.status).toBe(201);
    importedId = imported.data.workflow.id;
    const alerts = { enabled: false, recipients: ['Ops@alpha.test'], webhookUrl: 'https://hooks.example.com/T0/path-token?key=hook-key-value' };
    expect((await call('PUT', '/failure-alerts', alerts)).status).toBe(200);
    // Saved again unchanged: nothing changed, nothing recorded.
    expect((await call('PUT', '/failure-alerts', alerts)).status).toBe(200);
    expect((await call('PUT', `/workflows/${importedId}/failure-alerts`, { failureAlerts: false })).status).toBe(200);

    // Approvals: one decided in the app by the admin, one through the member's emailed link (no
    // second sign-in, so login.succeeded stays one entry).
    const pending = async (approvers: string[]) => {
      const [w] = await t.db
        .insert(workflows)
        .values({
          name: 'Refunds',
          workspaceId: t.a.id,
          companyId: t.a.companyId,
          trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false } as never,
          actions: [],
        })
        .returning();
      const { execution } = await createExecution(t.db, { workspaceId: t.a.id, workflowId: w!.id, versionId: null, eventId: null, input: {} });
      return openApproval(t.db, {
        workspaceId: t.a.id,
        executionId: execution.id,
        workflowId: w!.id,
        actionId: 'ask',
        temporalWorkflowId: execution.temporalWorkflowId,
        approvers,
        message: 'Refund 120 EUR?',
        onTimeout: 'reject',
        expiresAt: new Date(Date.now() + 3_600_000),
      });
    };
    const inApp = await pending(['admin']);
    inAppId = inApp.approval.id;
    expect((await call('POST', `/approvals/${inAppId}/decision`, { decision: 'reject', comment: 'too much' })).status).toBe(200);
    const byLink = await pending([t.a.member.email]);
    byLinkId = byLink.approval.id;
    const link = byLink.links.find((l) => l.email === t.a.member.email.toLowerCase())!;
    expect((await t.call('POST', `/api/approval-links/${link.approve}`, { json: {} })).status).toBe(200);

    let cursor: string | null = null;
    do {
      const page: { data: { items: Entry[]; nextCursor: string | null } } = await call('GET', `/audit?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      entries.push(...page.data.items);
      cursor = page.data.nextCursor;
    } while (cursor);
  });
  afterAll(() => t.close());

  const adminActor = () => ({ kind: 'user', id: t.a.admin.id, name: 'Admin' });
  const cases: [string, () => { kind: string; id: string | null; name: string }, () => string | null][] = [
    ['login.failed', adminActor, () => t.a.admin.id],
    ['login.succeeded', adminActor, () => t.a.admin.id],
    ['workflow.created', adminActor, () => wfId],
    ['workflow.updated', adminActor, () => wfId],
    ['workflow.published', adminActor, () => wfId],
    ['workflow.activated', adminActor, () => wfId],
    ['webhook_secret.rotated', adminActor, () => wfId],
    ['execution.test_started', adminActor, () => wfId],
    ['execution.cancelled', adminActor, () => null],
    ['execution.retried', adminActor, () => null],
    ['workflow.deactivated', adminActor, () => wfId],
    ['api_key.created', adminActor, () => keyId],
    ['event.replayed', () => ({ kind: 'api_key', id: keyId, name: 'API key “CI script”' }), () => null],
    ['api_key.revoked', adminActor, () => keyId],
    ['member.invited', adminActor, () => null],
    ['member.invitation_revoked', adminActor, () => null],
    ['member.joined', () => ({ kind: 'user', id: joinedId, name: 'Jo Joiner' }), () => joinedId],
    ['member.role_changed', adminActor, () => joinedId],
    ['member.removed', adminActor, () => joinedId],
    ['workflow.deleted', adminActor, () => wfId],
    ['secret.set', adminActor, () => 'CRM_TOKEN'],
    ['secret.deleted', adminActor, () => 'CRM_TOKEN'],
    ['workflow.imported', adminActor, () => importedId],
    ['failure_alert.changed', adminActor, () => t.a.id],
    ['workflow.failure_alerts_changed', adminActor, () => importedId],
  ];

  it.each(cases)('%s: exactly one entry, with the right actor and target', (action, actor, target) => {
    const hits = entries.filter((e) => e.action === action && (action !== 'member.invited' || e.target.name === 'joiner@alpha.test'));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.actor).toEqual(actor());
    const id = target();
    if (id) expect(hits[0]!.target.id).toBe(id);
  });

  it('approval.decided: one entry per decision, by the approver (a link: its recipient’s account), in the app or by link', () => {
    const hits = entries.filter((e) => e.action === 'approval.decided');
    expect(hits).toHaveLength(2);
    const inApp = hits.filter((e) => e.target.id === inAppId);
    expect(inApp).toHaveLength(1);
    expect(inApp[0]).toMatchObject({ actor: adminActor(), summary: 'rejected step "ask"' });
    const byLink = hits.filter((e) => e.target.id === byLinkId);
    expect(byLink).toHaveLength(1);
    expect(byLink[0]).toMatchObject({ actor: { kind: 'user', id: t.a.member.id }, summary: 'approved step "ask" by emailed link' });
  });

  it('a failure alert change says what changed, with the webhook by its host only', () => {
    expect(entries.find((e) => e.action === 'failure_alert.changed')).toMatchObject({
      target: { type: 'failure_alert', name: 'Failure alerts' },
      summary: 'turned off; recipients: ops@alpha.test; webhook set to hooks.example.com',
    });
    expect(JSON.stringify(entries)).not.toContain('hook-key-value');
    expect(entries.find((e) => e.action === 'workflow.failure_alerts_changed')).toMatchObject({
      target: { name: 'From a file' },
      summary: 'its failures are left out of the failure alert',
    });
  });

  it('a definition change is summarised field by field, never with values or secrets', () => {
    const updated = entries.find((e) => e.action === 'workflow.updated')!;
    expect(updated.summary).toBe('changed name; actions added: mk');
    const all = JSON.stringify(entries);
    expect(all).not.toContain('sk_live_should_not_show');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(SECRET_VALUE);
    expect(all).not.toContain(SECRET_VALUE.slice(-4));
  });

  it('filters by action prefix, actor and target, and refuses members', async () => {
    const ws = `/api/workspaces/${t.a.slug}/audit`;
    const wfOnly = await t.call('GET', `${ws}?action=workflow.`, { cookie: admin });
    expect(new Set(wfOnly.data.items.map((e: Entry) => e.action.split('.')[0]))).toEqual(new Set(['workflow']));
    const byKey = await t.call('GET', `${ws}?actor=${keyId}`, { cookie: admin });
    expect(byKey.data.items.map((e: Entry) => e.action)).toEqual(['event.replayed']);
    const byName = await t.call('GET', `${ws}?target=lead%20intake`, { cookie: admin });
    expect(byName.data.items.length).toBeGreaterThan(3);
    const future = await t.call('GET', `${ws}?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`, { cookie: admin });
    expect(future.data.items).toEqual([]);
    const member = await t.login(t.a.member.email);
    expect((await t.call('GET', ws, { cookie: member })).status).toBe(403);
  });
});
