import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_TEMPLATES } from '@conduit/core/templates';
import { createTestApi, startedInput, type TestApi } from './api-helpers';

/**
 * Run now / Run workflow on a record, the manual workflows of an object, publish-time checks of
 * call_workflow, and export → import, through the API on a real database and the Temporal dev
 * server (no worker polls this task queue: the started runs stay running; what the API does is checked).
 */
describe.each(['pglite', 'pg'] as const)('manual runs, calls, export and import (%s)', (kind) => {
  let t: TestApi;
  let admin: string;
  let member: string;
  let adminB: string;
  const wsA = () => `/api/workspaces/${t.a.id}`;

  const manual = (
    name: string,
    trigger: Record<string, unknown>,
    actions: unknown[] = [{ id: 'mk', type: 'create_record', object: 'note', data: { text: '{{trigger.payload.text}}' } }],
  ) => ({ name, trigger: { type: 'manual', ...trigger }, actions });

  async function published(def: unknown, cookie = admin, ws = wsA()): Promise<string> {
    const c = await t.call('POST', `${ws}/workflows`, { cookie, json: def });
    expect(c.status).toBe(201);
    const a = await t.call('POST', `${ws}/workflows/${c.data.id}/activate`, { cookie });
    expect(a.status).toBe(200);
    return c.data.id;
  }

  beforeAll(async () => {
    t = await createTestApi(kind);
    admin = await t.login(t.a.admin.email);
    member = await t.login(t.a.member.email);
    adminB = await t.login(t.b.admin.email);
  });
  afterAll(() => t.close());

  it('a member may run it only when allowMembers is set; the run goes through the durable start with the payload', async () => {
    const closed = await published(manual('Admins only', {}));
    const refused = await t.call('POST', `${wsA()}/workflows/${closed}/run`, { cookie: member, json: { payload: { text: 'hi' } } });
    expect(refused.status).toBe(403);
    expect(refused.data.error.message).toContain('only workspace admins can run "Admins only"');

    const open = await published(manual('Anyone', { allowMembers: true }));
    const r = await t.call('POST', `${wsA()}/workflows/${open}/run`, { cookie: member, json: { payload: { text: 'hi' } } });
    expect(r.status).toBe(201);
    expect(r.data).toMatchObject({ workflowId: open, status: 'pending', isTest: false, temporalWorkflowId: `run-${r.data.id}` });
    const input = await startedInput(t.temporal, r.data.id);
    expect(input.versionId).toBe(r.data.versionId);
    expect(input.trigger).toMatchObject({ kind: 'manual', payload: { text: 'hi' }, startedBy: t.a.member.email, record: null });

    const adminRun = await t.call('POST', `${wsA()}/workflows/${closed}/run`, { cookie: admin });
    expect(adminRun.status).toBe(201);
  });

  it('on a record: loaded server-side in the caller’s workspace; another workspace’s record is 404', async () => {
    const wf = await published(manual('Score', { object: 'contact', allowMembers: true }));
    const mine = await t.call('POST', `${wsA()}/records/contact`, { cookie: admin, json: { data: { name: 'Ada', email: 'ada@example.com' } } });
    const theirs = await t.call('POST', `/api/workspaces/${t.b.id}/records/contact`, { cookie: adminB, json: { data: { name: 'Eve' } } });
    expect(theirs.status).toBe(201);

    const r = await t.call('POST', `${wsA()}/workflows/${wf}/run`, {
      cookie: member,
      json: { recordId: mine.data.id, payload: { record: { name: 'forged' } } },
    });
    expect(r.status).toBe(201);
    expect(r.data.recordId).toBe(mine.data.id);
    const input = await startedInput(t.temporal, r.data.id);
    expect(input.trigger).toMatchObject({ kind: 'manual', object: 'contact', recordId: mine.data.id, record: { id: mine.data.id, name: 'Ada' } });

    const other = await t.call('POST', `${wsA()}/workflows/${wf}/run`, { cookie: member, json: { recordId: theirs.data.id } });
    expect(other.status).toBe(404);
    expect(other.data.error.message).toBe('no such record');
    const none = await t.call('POST', `${wsA()}/workflows/${wf}/run`, { cookie: member, json: {} });
    expect(none.status).toBe(400);
    expect(none.data.error.path).toBe('recordId');
    // Not another workspace's workflow either.
    expect((await t.call('POST', `/api/workspaces/${t.b.id}/workflows/${wf}/run`, { cookie: adminB })).status).toBe(404);

    const listed = await t.call('GET', `${wsA()}/manual-workflows?object=contact`, { cookie: member });
    expect(listed.data.items.map((w: { name: string }) => w.name)).toEqual(['Score']);
  });

  it('refuses a workflow that is not active or does not start manually', async () => {
    const draft = await t.call('POST', `${wsA()}/workflows`, { cookie: admin, json: manual('Draft', {}) });
    expect((await t.call('POST', `${wsA()}/workflows/${draft.data.id}/run`, { cookie: admin })).status).toBe(409);
    const hook = await published({ name: 'Hook', trigger: { type: 'webhook' }, actions: [] });
    const r = await t.call('POST', `${wsA()}/workflows/${hook}/run`, { cookie: admin });
    expect(r.status).toBe(409);
    expect(r.data.error.message).toContain('does not start manually');
  });

  it('publish checks call_workflow: the target must be an active manual workflow, and a static cycle is refused', async () => {
    const hook = await published({ name: 'Not manual', trigger: { type: 'webhook' }, actions: [] });
    const bad = await t.call('POST', `${wsA()}/workflows`, {
      cookie: admin,
      json: { name: 'Caller', trigger: { type: 'manual' }, actions: [{ id: 'call', name: 'Call the hook', type: 'call_workflow', workflowId: hook }] },
    });
    const r = await t.call('POST', `${wsA()}/workflows/${bad.data.id}/activate`, { cookie: admin });
    expect(r.status).toBe(400);
    expect(r.data.error).toMatchObject({ code: 'invalid_call', path: 'actions[0].workflowId' });
    expect(r.data.error.message).toBe(
      'Step "Call the hook": the workflow to call, "Not manual", must start manually (set its trigger to Manual and publish it)',
    );

    const b = await published(manual('B', {}, []));
    const a = await published({ name: 'A', trigger: { type: 'manual' }, actions: [{ id: 'to_b', type: 'call_workflow', workflowId: b }] });
    // B now calls A: A → B → A.
    await t.call('PATCH', `${wsA()}/workflows/${b}`, {
      cookie: admin,
      json: { actions: [{ id: 'to_a', name: 'Back to A', type: 'call_workflow', workflowId: a }] },
    });
    const cycle = await t.call('POST', `${wsA()}/workflows/${b}/activate`, { cookie: admin, json: { version: 'draft' } });
    expect(cycle.status).toBe(400);
    expect(cycle.data.error.message).toBe(
      'Step "Back to A": calling "A" would come back to this workflow (this workflow → "A" → this workflow), which would never end',
    );
  });

  it('export has no ids of the workspace; import creates an inactive draft equal to the original and reports what is missing', async () => {
    const target = await published(manual('Enricher', {}, []));
    const def = {
      name: 'Round trip',
      description: 'exported and imported',
      trigger: { type: 'record_created', object: 'invoice' },
      actions: [
        { id: 'post', type: 'send_webhook', url: 'https://example.com/x', headers: { authorization: 'Bearer {{secrets.CRM_TOKEN}}' } },
        { id: 'call', type: 'call_workflow', workflowId: target, input: { id: '{{trigger.record.id}}' } },
        {
          id: 'big',
          type: 'condition',
          if: { all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: 5 }] },
          then: [{ id: 'w', type: 'wait', duration: '1h' }],
          else: [],
        },
      ],
    };
    const created = await t.call('POST', `${wsA()}/workflows`, { cookie: admin, json: def });
    const exp = await t.call('GET', `${wsA()}/workflows/${created.data.id}/export`, { cookie: admin });
    expect(exp.status).toBe(200);
    expect(exp.headers.get('content-disposition')).toBe('attachment; filename="round-trip.workflow.json"');
    const text = JSON.stringify(exp.data);
    for (const id of [t.a.id, t.a.companyId, created.data.id, t.a.admin.id]) expect(text).not.toContain(id);
    expect(exp.data).toMatchObject({ format: 'conduit.workflow', version: 1, references: { workflows: [{ id: target, name: 'Enricher' }] } });
    expect((await t.call('GET', `${wsA()}/workflows/${created.data.id}/export`, { cookie: member })).status).toBe(403);

    // Same workspace: equal definition, inactive, nothing missing but the secret and the object.
    const back = await t.call('POST', `${wsA()}/workflows/import`, { cookie: admin, json: exp.data });
    expect(back.status).toBe(201);
    expect(back.data.workflow.isActive).toBe(false);
    expect(back.data.workflow.id).not.toBe(created.data.id);
    for (const k of ['name', 'description', 'trigger', 'actions']) expect(back.data.workflow[k]).toEqual(created.data[k]);
    expect(back.data.report).toEqual({ missingSecrets: ['CRM_TOKEN'], missingObjects: ['invoice'], missingWorkflows: [] });
    // Once the workspace has the secret, the report no longer asks for it.
    expect((await t.call('PUT', `${wsA()}/secrets/CRM_TOKEN`, { cookie: admin, json: { value: 'tok-for-import-test' } })).status).toBe(201);
    const withSecret = await t.call('POST', `${wsA()}/workflows/import`, { cookie: admin, json: exp.data });
    expect(withSecret.data.report.missingSecrets).toEqual([]);

    // Another workspace: the called workflow is matched by name when one exists, else reported.
    const intoB = await t.call('POST', `/api/workspaces/${t.b.id}/workflows/import`, { cookie: adminB, json: { ...exp.data, rename: 'Imported' } });
    expect(intoB.status).toBe(201);
    expect(intoB.data.workflow.name).toBe('Imported');
    expect(intoB.data.report.missingWorkflows).toEqual([{ actionId: 'call', stepLabel: 'call', workflowName: 'Enricher' }]);
    // Workspace A's secret is not B's.
    expect(intoB.data.report.missingSecrets).toEqual(['CRM_TOKEN']);
    const enricherB = await published(manual('Enricher', {}, []), adminB, `/api/workspaces/${t.b.id}`);
    const again = await t.call('POST', `/api/workspaces/${t.b.id}/workflows/import`, { cookie: adminB, json: exp.data });
    expect(again.data.report.missingWorkflows).toEqual([]);
    expect(again.data.workflow.actions[1].workflowId).toBe(enricherB);

    const broken = await t.call('POST', `${wsA()}/workflows/import`, {
      cookie: admin,
      json: { ...exp.data, actions: [{ id: 'x', type: 'send_email', to: 'nobody' }] },
    });
    expect(broken.status).toBe(400);
    expect(broken.data.error.path).toMatch(/^actions\[0\]/);
    const wrongVersion = await t.call('POST', `${wsA()}/workflows/import`, { cookie: admin, json: { ...exp.data, version: 2 } });
    expect(wrongVersion.status).toBe(400);
  });

  it('every template is a valid definition the API accepts and publishes', async () => {
    expect(WORKFLOW_TEMPLATES.length).toBeGreaterThanOrEqual(8);
    const list = await t.call('GET', `${wsA()}/templates`, { cookie: member });
    expect(list.data.items.map((x: { id: string }) => x.id)).toEqual(WORKFLOW_TEMPLATES.map((x) => x.id));
    for (const tpl of WORKFLOW_TEMPLATES) {
      const c = await t.call('POST', `${wsA()}/workflows`, { cookie: admin, json: tpl.definition });
      expect(c.status, `${tpl.id}: ${JSON.stringify(c.data)}`).toBe(201);
      const a = await t.call('POST', `${wsA()}/workflows/${c.data.id}/activate`, { cookie: admin });
      expect(a.status, tpl.id).toBe(200);
    }
  });
});
