import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowExecutions, workflowSecrets, workflowVersions, workflows, eq } from '@conduit/core/testing';
import { createSecretBox } from '@conduit/core/crypto';
import { createTestApi, ENCRYPTION_KEY, snapshot, webhookWorkflow, type TestApi } from './api-helpers';

describe.each(['pglite', 'pg'] as const)('workflows API (%s)', (kind) => {
  let t: TestApi;
  let admin: string;
  let member: string;
  let base: string;
  beforeAll(async () => {
    t = await createTestApi(kind);
    admin = await t.login(t.a.admin.email);
    member = await t.login(t.a.member.email);
    base = `/api/workspaces/${t.a.id}/workflows`;
  });
  afterAll(() => t.close());

  it('creates an inactive draft, lists and reads it (by workspace id or slug)', async () => {
    const r = await t.call('POST', base, { cookie: admin, json: webhookWorkflow });
    expect(r.status).toBe(201);
    expect(r.data).toMatchObject({ name: 'Hook', isActive: false, activeVersionId: null, hookId: null, companyId: t.a.companyId, createdBy: t.a.admin.id });
    expect(r.data.trigger).toEqual({ type: 'webhook', auth: { mode: 'none' }, allowGet: false });
    const list = await t.call('GET', `/api/workspaces/${t.a.slug}/workflows`, { cookie: member });
    expect(list.status).toBe(200);
    expect(list.data.items.map((w: { id: string }) => w.id)).toContain(r.data.id);
    const one = await t.call('GET', `${base}/${r.data.id}`, { cookie: member });
    expect(one.data.id).toBe(r.data.id);
  });

  it('refuses invalid definitions with 400 naming the JSON path, and stores nothing', async () => {
    const before = await snapshot(t.db);
    const cases: [unknown, string][] = [
      [{ name: '', trigger: { type: 'webhook' }, actions: [] }, 'name'],
      [{ name: 'x', trigger: { type: 'schedule', cron: 'every day' }, actions: [] }, 'trigger.cron'],
      [{ name: 'x', trigger: { type: 'schedule', cron: '0 9 * * *', timezone: 'Mars/Base' }, actions: [] }, 'trigger.timezone'],
      [{ name: 'x', trigger: { type: 'nope' }, actions: [] }, 'trigger.type'],
      [{ name: 'x', trigger: { type: 'webhook' }, actions: [{ id: 'a', type: 'send_webhook', url: 'ftp://x' }] }, 'actions[0].url'],
      [
        {
          name: 'x',
          trigger: { type: 'webhook' },
          actions: [{ id: 'c', type: 'condition', if: { all: [{ left: 1, op: 'eq', right: 1 }] }, then: [{ id: 'd', type: 'wait' }], else: [] }],
        },
        'actions[0].then[0]',
      ],
      [{ name: 'x', trigger: { type: 'webhook' }, actions: 'nope' }, 'actions'],
      [{ name: 'x', trigger: { type: 'webhook' }, actions: [], companyId: crypto.randomUUID() }, 'companyId'],
    ];
    for (const [json, path] of cases) {
      const r = await t.call('POST', base, { cookie: admin, json });
      expect(r.status, JSON.stringify(json)).toBe(400);
      expect(r.data.error.path, JSON.stringify(r.data)).toMatch(new RegExp(`^${path.replace(/[[\].]/g, '\\$&')}`));
    }
    expect(await snapshot(t.db)).toBe(before);
  });

  it('refuses templates that reference later steps, unknown steps or another branch', async () => {
    const before = await snapshot(t.db);
    const later = {
      name: 'x',
      trigger: { type: 'webhook' },
      actions: [
        { id: 'first', type: 'create_record', object: 'deal', data: { v: '{{steps.second.output.id}}' } },
        { id: 'second', type: 'create_record', object: 'deal', data: { v: 1 } },
      ],
    };
    const r1 = await t.call('POST', base, { cookie: admin, json: later });
    expect(r1.status).toBe(400);
    expect(r1.data.error.code).toBe('invalid_reference');
    expect(r1.data.error.path).toBe('actions[0].data');
    expect(r1.data.error.message).toMatch(/does not run before/);
    const branch = {
      name: 'x',
      trigger: { type: 'webhook' },
      actions: [
        {
          id: 'c',
          type: 'condition',
          if: { all: [{ left: '{{trigger.body.x}}', op: 'eq', right: 1 }] },
          then: [{ id: 'yes', type: 'create_record', object: 'deal', data: { v: 1 } }],
          else: [{ id: 'no', type: 'create_record', object: 'deal', data: { v: '{{steps.yes.output.id}}' } }],
        },
        { id: 'after', type: 'create_record', object: 'deal', data: { v: '{{steps.ghost.output}}' } },
      ],
    };
    const r2 = await t.call('POST', base, { cookie: admin, json: branch });
    expect(r2.status).toBe(400);
    expect(r2.data.error.path).toBe('actions[0].else[0].data');
    expect(r2.data.error.issues.map((i: { path: string }) => i.path)).toEqual(['actions[0].else[0].data', 'actions[1].data']);
    expect(await snapshot(t.db)).toBe(before);
    const ok = {
      name: 'ok',
      trigger: { type: 'webhook' },
      actions: [
        { id: 'a', type: 'create_record', object: 'deal', data: { v: 1 } },
        {
          id: 'c',
          type: 'condition',
          if: { all: [{ left: '{{steps.a.output.id}}', op: 'exists' }] },
          then: [{ id: 'b', type: 'update_record', object: 'deal', recordId: '{{steps.a.output.id}}', data: { c: '{{steps.c.output.branch}}' } }],
          else: [],
        },
        { id: 'd', type: 'update_record', object: 'deal', recordId: '{{steps.a.output.id}}', data: { done: '{{steps.c.output}}' } },
      ],
    };
    expect((await t.call('POST', base, { cookie: admin, json: ok })).status).toBe(201);
  });

  it('PATCH saves the draft in full validation; activate publishes immutable versions; deactivate stops', async () => {
    const created = await t.call('POST', base, { cookie: admin, json: webhookWorkflow });
    const id = created.data.id;
    const bad = await t.call('PATCH', `${base}/${id}`, { cookie: admin, json: { actions: [{ id: 'x', type: 'wait', duration: 'soon' }] } });
    expect(bad.status).toBe(400);
    expect(bad.data.error.path).toBe('actions[0].duration');
    const patched = await t.call('PATCH', `${base}/${id}`, { cookie: admin, json: { name: 'Renamed', description: 'd' } });
    expect(patched.status).toBe(200);
    expect(patched.data).toMatchObject({ name: 'Renamed', description: 'd' });
    expect(patched.data.actions).toEqual(created.data.actions);

    const act = await t.call('POST', `${base}/${id}/activate`, { cookie: admin });
    expect(act.status).toBe(200);
    expect(act.data.workflow.isActive).toBe(true);
    expect(act.data.version.version).toBe(1);
    expect(act.data.workflow.activeVersionId).toBe(act.data.version.id);
    const hookId: string = act.data.workflow.hookId;
    expect(Buffer.from(hookId, 'base64url').length).toBeGreaterThanOrEqual(24);
    expect(act.data.workflow.hookPath).toBe(`/hooks/${hookId}`);
    const [row] = await t.db.select().from(workflows).where(eq(workflows.id, id));
    expect(row).toMatchObject({ activeTriggerType: 'webhook', activeTriggerObject: null, isActive: true });

    // Editing the draft leaves version 1 as it was; the draft says so, and turning on is now ambiguous.
    await t.call('PATCH', `${base}/${id}`, { cookie: admin, json: { name: 'V2' } });
    const read = await t.call('GET', `${base}/${id}`, { cookie: member });
    expect(read.data).toMatchObject({ liveVersion: 1, unpublishedChanges: true });
    const diff = await t.call('GET', `${base}/${id}/diff`, { cookie: member });
    expect(diff.data).toEqual({
      from: { label: 'Version 1 (live)', version: 1 },
      to: { label: 'Draft', version: null },
      changes: [{ kind: 'renamed', before: 'Renamed', after: 'V2', text: 'Workflow renamed from “Renamed” to “V2”' }],
    });
    const ambiguous = await t.call('POST', `${base}/${id}/activate`, { cookie: admin });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.data.error).toMatchObject({ code: 'choice_required', path: 'version' });
    expect(ambiguous.data.error.message).toContain('{ "version": "draft" } publishes the draft as version 2');
    expect(ambiguous.data.error.message).toContain('{ "version": "live" } runs version 1 as published');
    const act2 = await t.call('POST', `${base}/${id}/publish`, { cookie: admin });
    expect(act2.data).toMatchObject({ published: true, message: 'Published version 2; it runs from now on.' });
    expect(act2.data.version.version).toBe(2);
    expect(act2.data.workflow).toMatchObject({ hookId, liveVersion: 2, unpublishedChanges: false });
    // Publishing again with no change publishes nothing, and says so.
    const again = await t.call('POST', `${base}/${id}/publish`, { cookie: admin });
    expect(again.data).toMatchObject({ published: false, message: 'Nothing to publish: the draft is the same as version 2.', version: { version: 2 } });
    const versions = await t.call('GET', `${base}/${id}/versions`, { cookie: member });
    expect(versions.data.items.map((v: { version: number; name: string }) => [v.version, v.name])).toEqual([
      [2, 'V2'],
      [1, 'Renamed'],
    ]);

    const off = await t.call('POST', `${base}/${id}/deactivate`, { cookie: admin });
    expect(off.status).toBe(200);
    expect(off.data.isActive).toBe(false);

    // Turned on again with a changed draft, choosing the live version: version 2 runs, nothing is published.
    await t.call('PATCH', `${base}/${id}`, { cookie: admin, json: { name: 'V3' } });
    const live = await t.call('POST', `${base}/${id}/activate`, { cookie: admin, json: { version: 'live' } });
    expect(live.status).toBe(200);
    expect(live.data).toMatchObject({ published: false, version: { version: 2 }, workflow: { isActive: true, name: 'V3', unpublishedChanges: true } });
    expect((await t.call('GET', `${base}/${id}/versions`, { cookie: member })).data.items).toHaveLength(2);

    // Any version reads back by number; any two compare; restoring one makes a draft, never a version.
    expect((await t.call('GET', `${base}/${id}/versions/1`, { cookie: member })).data).toMatchObject({ version: 1, name: 'Renamed' });
    expect((await t.call('GET', `${base}/${id}/versions/9`, { cookie: member })).status).toBe(404);
    const oneToTwo = await t.call('GET', `${base}/${id}/diff?from=1&to=2`, { cookie: member });
    expect(oneToTwo.data.changes.map((c: { text: string }) => c.text)).toEqual(['Workflow renamed from “Renamed” to “V2”']);
    expect((await t.call('GET', `${base}/${id}/diff?from=soon`, { cookie: member })).status).toBe(400);
    const restored = await t.call('POST', `${base}/${id}/versions/1/restore`, { cookie: admin });
    expect(restored.data).toMatchObject({ name: 'Renamed', isActive: true, liveVersion: 2, unpublishedChanges: true });
    expect((await t.call('GET', `${base}/${id}/versions`, { cookie: member })).data.items).toHaveLength(2);
    const draftToLive = await t.call('GET', `${base}/${id}/diff?from=draft&to=live`, { cookie: member });
    expect(draftToLive.data.changes.map((c: { text: string }) => c.text)).toEqual(['Workflow renamed from “Renamed” to “V2”']);
  });

  it('a workflow never published turns on with its draft; asking for the live version is refused', async () => {
    const created = await t.call('POST', base, { cookie: admin, json: webhookWorkflow });
    const id = created.data.id;
    expect(created.data).toMatchObject({ liveVersion: null, unpublishedChanges: false });
    const refused = await t.call('POST', `${base}/${id}/activate`, { cookie: admin, json: { version: 'live' } });
    expect(refused.status).toBe(409);
    expect(refused.data.error).toMatchObject({ code: 'no_published_version', path: 'version' });
    expect((await t.call('GET', `${base}/${id}/diff`, { cookie: member })).status).toBe(404);
    const on = await t.call('POST', `${base}/${id}/activate`, { cookie: admin });
    expect(on.data).toMatchObject({ published: true, version: { version: 1 }, workflow: { isActive: true, liveVersion: 1 } });
    const list = await t.call('GET', base, { cookie: member });
    expect(list.data.items.find((w: { id: string }) => w.id === id)).toMatchObject({ liveVersion: 1, unpublishedChanges: false });
  });

  it('a script with a syntax error is refused at save with 400 naming its line and column; nothing is stored', async () => {
    const created = await t.call('POST', base, { cookie: admin, json: webhookWorkflow });
    const id = created.data.id;
    const bad = await t.call('PATCH', `${base}/${id}`, {
      cookie: admin,
      json: { actions: [{ id: 'calc', type: 'run_script', code: 'const a = 1;\nreturn {{ oops' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.data.error.path).toBe('actions[0].code');
    expect(bad.data.error.message).toMatch(/syntax error at line 2, column 9/);
    const stored = await t.call('GET', `${base}/${id}`, { cookie: admin });
    expect(stored.data.actions.map((a: { id: string }) => a.id)).toEqual(webhookWorkflow.actions.map((a) => a.id));
    const good = await t.call('PATCH', `${base}/${id}`, {
      cookie: admin,
      json: { actions: [{ id: 'calc', type: 'run_script', code: 'return { ok: true };' }] },
    });
    expect(good.status).toBe(200);
  });

  it('a record trigger sets the dispatch columns', async () => {
    const created = await t.call('POST', base, {
      cookie: admin,
      json: { name: 'won', trigger: { type: 'field_changed', object: 'deal', field: 'stage', to: 'won' }, actions: [] },
    });
    await t.call('POST', `${base}/${created.data.id}/activate`, { cookie: admin });
    const [row] = await t.db.select().from(workflows).where(eq(workflows.id, created.data.id));
    expect(row).toMatchObject({ activeTriggerType: 'field_changed', activeTriggerObject: 'deal', hookId: null });
  });

  it('webhook secrets: generated on activation when auth needs one, rotated on demand, returned once, stored encrypted', async () => {
    const created = await t.call('POST', base, { cookie: admin, json: { ...webhookWorkflow, trigger: { type: 'webhook', auth: { mode: 'signature' } } } });
    const id = created.data.id;
    const act = await t.call('POST', `${base}/${id}/activate`, { cookie: admin });
    expect(act.data.secret).toMatch(/^whsec_/);
    expect((await t.call('POST', `${base}/${id}/activate`, { cookie: admin })).data.secret).toBeUndefined();
    const rotated = await t.call('POST', `${base}/${id}/secret/rotate`, { cookie: admin });
    expect(rotated.status).toBe(200);
    expect(rotated.data.kind).toBe('webhook_inbound');
    expect(rotated.data.secret).not.toBe(act.data.secret);
    const signing = await t.call('POST', `${base}/${id}/secret/rotate`, { cookie: admin, json: { kind: 'webhook_signing' } });
    expect(signing.data.kind).toBe('webhook_signing');
    const rows = await t.db.select().from(workflowSecrets).where(eq(workflowSecrets.workflowId, id));
    expect(rows).toHaveLength(2);
    const box = createSecretBox(ENCRYPTION_KEY);
    const inbound = rows.find((r) => r.kind === 'webhook_inbound')!;
    expect(inbound.ciphertext).not.toContain(rotated.data.secret.slice(6));
    expect(box.open(inbound.ciphertext)).toBe(rotated.data.secret);
    const read = await t.call('GET', `${base}/${id}`, { cookie: admin });
    expect(read.data.secrets.sort()).toEqual(['webhook_inbound', 'webhook_signing']);
    expect(read.data.hasSecret).toBe(true);
    expect(JSON.stringify(read.data)).not.toContain(rotated.data.secret);
    const bad = await t.call('POST', `${base}/${id}/secret/rotate`, { cookie: admin, json: { kind: 'smtp' } });
    expect(bad.status).toBe(400);
    expect(bad.data.error.path).toBe('kind');
  });

  it('schedule workflows show their next five fire times in their zone; the preview validates cron and zone', async () => {
    const created = await t.call('POST', base, {
      cookie: admin,
      json: { name: 's', trigger: { type: 'schedule', cron: '30 9 * * 1-5', timezone: 'Europe/Paris' }, actions: [] },
    });
    const times: string[] = created.data.nextFireTimes;
    expect(times).toHaveLength(5);
    for (const iso of times) {
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(new Date(iso));
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:30$/);
    }
    const preview = await t.call('GET', `/api/workspaces/${t.a.id}/schedule-preview?cron=${encodeURIComponent('0 2 * * *')}&timezone=America/New_York`, {
      cookie: member,
    });
    expect(preview.status).toBe(200);
    expect(preview.data.nextFireTimes).toHaveLength(5);
    const badCron = await t.call('GET', `/api/workspaces/${t.a.id}/schedule-preview?cron=61+*+*+*+*`, { cookie: member });
    expect(badCron.status).toBe(400);
    expect(badCron.data.error.path).toBe('query.cron');
    const badZone = await t.call('GET', `/api/workspaces/${t.a.id}/schedule-preview?cron=0+*+*+*+*&timezone=Nowhere/City`, { cookie: member });
    expect(badZone.data.error.path).toBe('query.timezone');
  });

  it('members read but cannot change workflows (403, nothing written)', async () => {
    const created = await t.call('POST', base, { cookie: admin, json: webhookWorkflow });
    const id = created.data.id;
    const before = await snapshot(t.db);
    const attempts: [string, string, unknown?][] = [
      ['POST', base, webhookWorkflow],
      ['PATCH', `${base}/${id}`, { name: 'm' }],
      ['DELETE', `${base}/${id}`],
      ['POST', `${base}/${id}/activate`],
      ['POST', `${base}/${id}/deactivate`],
      ['POST', `${base}/${id}/secret/rotate`],
      ['POST', `${base}/${id}/test`, {}],
    ];
    for (const [method, path, json] of attempts) {
      const r = await t.call(method, path, { cookie: member, ...(json !== undefined ? { json } : {}) });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.data.error.message).toMatch(/only workspace admins/);
    }
    expect(await snapshot(t.db)).toBe(before);
    expect((await t.call('GET', `${base}/${id}/versions`, { cookie: member })).status).toBe(200);
  });

  it('another workspace’s workflow ids answer 404 on every route, and nothing changes', async () => {
    const bAdmin = await t.login(t.b.admin.email);
    const bw = await t.call('POST', `/api/workspaces/${t.b.id}/workflows`, { cookie: bAdmin, json: webhookWorkflow });
    const id = bw.data.id;
    const before = await snapshot(t.db);
    const routes: [string, string, unknown?][] = [
      ['GET', `${base}/${id}`],
      ['PATCH', `${base}/${id}`, { name: 'stolen' }],
      ['DELETE', `${base}/${id}`],
      ['POST', `${base}/${id}/activate`],
      ['POST', `${base}/${id}/deactivate`],
      ['GET', `${base}/${id}/versions`],
      ['POST', `${base}/${id}/secret/rotate`],
      ['POST', `${base}/${id}/test`, {}],
      ['GET', `${base}/not-a-uuid`],
    ];
    for (const [method, path, json] of routes) {
      const r = await t.call(method, path, { cookie: admin, ...(json !== undefined ? { json } : {}) });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(JSON.stringify(r.data)).not.toContain('Hook');
    }
    // A's admin addressing B's workspace directly: 404 too.
    expect((await t.call('GET', `/api/workspaces/${t.b.id}/workflows/${id}`, { cookie: admin })).status).toBe(404);
    expect((await t.call('GET', `/api/workspaces/${t.b.slug}/workflows`, { cookie: admin })).status).toBe(404);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('DELETE removes the workflow and its versions', async () => {
    const created = await t.call('POST', base, { cookie: admin, json: webhookWorkflow });
    await t.call('POST', `${base}/${created.data.id}/activate`, { cookie: admin });
    const del = await t.call('DELETE', `${base}/${created.data.id}`, { cookie: admin });
    expect(del.status).toBe(204);
    expect((await t.call('GET', `${base}/${created.data.id}`, { cookie: admin })).status).toBe(404);
    expect(await t.db.select().from(workflowVersions).where(eq(workflowVersions.workflowId, created.data.id))).toEqual([]);
  });

  it('DELETE is refused with 409 while a run of the workflow has not ended, and goes ahead once none is open', async () => {
    const created = await t.call('POST', base, { cookie: admin, json: { ...webhookWorkflow, name: 'Nightly sync' } });
    const id: string = created.data.id;
    const runs = await t.db
      .insert(workflowExecutions)
      .values(
        ['running', 'queued', 'completed'].map((status) => ({
          workspaceId: t.a.id,
          workflowId: id,
          status: status as 'running',
          temporalWorkflowId: `run-${status}-${id}`,
        })),
      )
      .returning({ id: workflowExecutions.id, status: workflowExecutions.status });
    const refused = await t.call('DELETE', `${base}/${id}`, { cookie: admin });
    expect(refused.status).toBe(409);
    expect(refused.data).toMatchObject({
      error: {
        code: 'runs_in_progress',
        message: '“Nightly sync” has 2 runs in progress: cancel them under Workflow runs, or wait for them to end, then delete the workflow.',
      },
    });
    expect((await t.call('GET', `${base}/${id}`, { cookie: admin })).status).toBe(200);
    expect(await t.db.select().from(workflowExecutions).where(eq(workflowExecutions.workflowId, id))).toHaveLength(3);
    for (const r of runs.filter((x) => x.status !== 'completed'))
      await t.db.update(workflowExecutions).set({ status: 'cancelled' }).where(eq(workflowExecutions.id, r.id));
    expect((await t.call('DELETE', `${base}/${id}`, { cookie: admin })).status).toBe(204);
    expect(await t.db.select().from(workflowExecutions).where(eq(workflowExecutions.workflowId, id))).toEqual([]);
  });
});
