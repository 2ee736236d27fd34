import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '@conduit/core/logging';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '@conduit/core/crypto';
import type { DbHandle } from '@conduit/core/db';
import {
  createWorkflowLifecycle,
  createWorkspace,
  defaultCompanyId,
  getScheduleTarget,
  getWorkflow,
  InvalidInputError,
  listVersions,
  workflowSecretCiphertext,
  workflowSecretKinds,
  type WorkflowLifecycle,
} from '@conduit/core/domain';
import { createTestDb, TEST_DB_KINDS } from '@conduit/local/testing';
import { createHookResolver, generateWebhookSecret, type HookResolver } from '../src/ingress';

/**
 * The workflow lifecycle service against a real database and the ingress's real hook cache; only
 * the Temporal schedule port is a fake, recording each call with what the database said at that
 * moment (so a call made before the change committed would show).
 */
type ScheduleCall = { op: 'sync' | 'remove'; workflowId: string; active: boolean | null };

describe.each(TEST_DB_KINDS)('workflow lifecycle on %s', (kind) => {
  let h: DbHandle;
  let hooks: HookResolver;
  let lifecycle: WorkflowLifecycle;
  let calls: ScheduleCall[];
  let failSchedules = false;
  const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const box = createSecretBox(randomBytes(32).toString('hex'));
  let ws: { id: string; name: string };
  let other: { id: string; name: string };
  const at = new Date('2031-02-03T04:05:06.000Z');

  const schedules = {
    async sync(workflowId: string) {
      const row = await getScheduleTarget(h.db, workflowId);
      calls.push({ op: 'sync', workflowId, active: row ? row.isActive : null });
      if (failSchedules) throw new Error('temporal is down');
    },
    async remove(workflowId: string) {
      const row = await getScheduleTarget(h.db, workflowId);
      calls.push({ op: 'remove', workflowId, active: row ? row.isActive : null });
      if (failSchedules) throw new Error('temporal is down');
    },
  };
  const record = (level: 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
    logged.push({ level, msg, ...(fields ? { fields } : {}) });
  };
  const log: Logger = { info: record('info'), warn: record('warn'), error: record('error') };

  beforeAll(async () => {
    h = await createTestDb(kind);
    // A long TTL: a hook lookup answering fresh data can only come from an invalidation.
    hooks = createHookResolver({ db: h.db, box, ttlMs: 600_000 });
    lifecycle = createWorkflowLifecycle({ db: h.db, secrets: box, newSecret: generateWebhookSecret, schedules, hooks, log, now: () => at });
    const suffix = crypto.randomUUID().slice(0, 8);
    ws = await createWorkspace(h.db, { name: 'Lifecycle', slug: `lifecycle-${suffix}` });
    other = await createWorkspace(h.db, { name: 'Other', slug: `other-${suffix}` });
  });
  afterAll(async () => {
    await h?.close();
  });

  const fresh = () => {
    calls = [];
    failSchedules = false;
    logged.length = 0;
  };
  const scheduleTrigger = { type: 'schedule', cron: '0 9 * * *', timezone: 'Europe/Paris' };
  const addAction = [{ id: 'add', type: 'create_record', object: 'contact', data: { email: '{{trigger.body.email}}' } }];
  const create = (fields: Record<string, unknown>) => lifecycle.create({ workspace: ws, fields, createdBy: null });

  it('create: an inactive draft in the default company; invalid definitions and foreign companies are refused', async () => {
    fresh();
    const w = await create({ name: 'Hook', trigger: { type: 'webhook' } });
    expect(w).toMatchObject({ isActive: false, activeVersionId: null, hookId: null, actions: [], companyId: await defaultCompanyId(h.db, ws) });
    expect(w.trigger).toEqual({ type: 'webhook', auth: { mode: 'none' }, allowGet: false });

    const bad = await create({ name: '', trigger: { type: 'webhook' } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).issues[0]).toMatchObject({ code: 'invalid', path: 'name' });

    const foreign = await lifecycle
      .create({ workspace: ws, fields: { name: 'X', trigger: { type: 'webhook' } }, companyId: await defaultCompanyId(h.db, other), createdBy: null })
      .catch((e: unknown) => e);
    expect(foreign).toMatchObject({ code: 'invalid', issues: [{ path: 'companyId', message: 'companyId: no such company in this workspace' }] });
    expect(calls).toEqual([]);
  });

  it('updateDraft: fields left out keep their value, references are checked, what runs does not change', async () => {
    fresh();
    const w = await create({ name: 'Draft', trigger: { type: 'webhook' }, actions: addAction });
    const active = await lifecycle.activate({ workspaceId: ws.id, id: w.id, publishedBy: null });
    const saved = await lifecycle.updateDraft({ workspaceId: ws.id, id: w.id, fields: { name: 'Renamed' } });
    expect(saved).toMatchObject({ name: 'Renamed', actions: addAction, activeVersionId: active!.version.id, updatedAt: at });

    const refs = await lifecycle
      .updateDraft({
        workspaceId: ws.id,
        id: w.id,
        fields: { actions: [{ id: 'a', type: 'create_record', object: 'contact', data: { x: '{{steps.later.output}}' } }] },
      })
      .catch((e: unknown) => e);
    expect(refs).toMatchObject({ code: 'invalid_reference' });
    expect((await getWorkflow(h.db, { workspaceId: ws.id, id: w.id }))?.name).toBe('Renamed');

    expect(await lifecycle.updateDraft({ workspaceId: other.id, id: w.id, fields: { name: 'Stolen' } })).toBeNull();
    expect(await lifecycle.updateDraft({ workspaceId: ws.id, id: crypto.randomUUID(), fields: { name: 'X' } })).toBeNull();
    expect((await getWorkflow(h.db, { workspaceId: ws.id, id: w.id }))?.name).toBe('Renamed');
  });

  it('activate: a new version each time, one inbound secret for a signed hook, the same hook id, the hook cache dropped', async () => {
    fresh();
    const w = await create({ name: 'Signed', trigger: { type: 'webhook', auth: { mode: 'signature' } }, actions: addAction });
    const first = await lifecycle.activate({ workspaceId: ws.id, id: w.id, publishedBy: null });
    expect(first).toMatchObject({ workflow: { isActive: true, activeTriggerType: 'webhook' }, version: { version: 1 } });
    expect(first!.secret).toMatch(/^whsec_/);
    expect(first!.scheduleSync).toBeUndefined();
    const hookId = first!.workflow.hookId!;
    expect(hookId).toBeTruthy();
    const sealed = await workflowSecretCiphertext(h.db, { workspaceId: ws.id, workflowId: w.id, kind: 'webhook_inbound' });
    expect(box.open(sealed!)).toBe(first!.secret);
    expect((await hooks.resolve(hookId))?.secret).toBe(first!.secret);

    // Rotation: the cached hook (long TTL) must answer the new secret at once.
    const rotated = await lifecycle.rotateSecret({ workflow: first!.workflow, kind: 'webhook_inbound' });
    expect(rotated).not.toBe(first!.secret);
    expect((await hooks.resolve(hookId))?.secret).toBe(rotated);

    // Unchanged: turning on again publishes nothing; changed, the draft is published when chosen.
    const same = await lifecycle.activate({ workspaceId: ws.id, id: w.id, publishedBy: null });
    expect(same).toMatchObject({ version: { version: 1 }, published: false });
    await lifecycle.updateDraft({ workspaceId: ws.id, id: w.id, fields: { name: 'Signed v2' } });
    await expect(lifecycle.activate({ workspaceId: ws.id, id: w.id, publishedBy: null })).rejects.toMatchObject({ code: 'choice_required' });
    const second = await lifecycle.activate({ workspaceId: ws.id, id: w.id, publishedBy: null, choice: 'draft' });
    expect(second).toMatchObject({ workflow: { hookId }, version: { version: 2 }, published: true });
    expect(second!.secret).toBeUndefined();
    expect((await listVersions(h.db, { workspaceId: ws.id, workflowId: w.id })).map((v) => v.version)).toEqual([2, 1]);
    expect(calls).toEqual([]);
  });

  it('activate then deactivate: the cached hook stops answering at once and the schedule follows the database', async () => {
    fresh();
    const hook = await create({ name: 'Open hook', trigger: { type: 'webhook' }, actions: addAction });
    const on = await lifecycle.activate({ workspaceId: ws.id, id: hook.id, publishedBy: null });
    expect(on!.secret).toBeUndefined();
    const hookId = on!.workflow.hookId!;
    expect(await hooks.resolve(hookId)).toMatchObject({ workflowId: hook.id });
    const off = await lifecycle.deactivate({ workspaceId: ws.id, id: hook.id });
    expect(off).toMatchObject({ isActive: false, hookId, updatedAt: at });
    expect(await hooks.resolve(hookId)).toBeNull();
    expect(calls).toEqual([]);

    const sched = await create({ name: 'Daily', trigger: scheduleTrigger, actions: addAction });
    const started = await lifecycle.activate({ workspaceId: ws.id, id: sched.id, publishedBy: null });
    expect(started!.scheduleSync).toBe('ok');
    await lifecycle.deactivate({ workspaceId: ws.id, id: sched.id });
    // Each sync saw the committed state: active after activation, inactive after deactivation (so the real sync deletes the schedule).
    expect(calls).toEqual([
      { op: 'sync', workflowId: sched.id, active: true },
      { op: 'sync', workflowId: sched.id, active: false },
    ]);
  });

  it('a draft switched away from a schedule still syncs on activation, so the old schedule is removed', async () => {
    fresh();
    const w = await create({ name: 'Was daily', trigger: scheduleTrigger, actions: addAction });
    await lifecycle.activate({ workspaceId: ws.id, id: w.id, publishedBy: null });
    await lifecycle.updateDraft({ workspaceId: ws.id, id: w.id, fields: { trigger: { type: 'webhook' } } });
    const now = await lifecycle.publish({ workspaceId: ws.id, id: w.id, publishedBy: null });
    expect(now!.scheduleSync).toBe('ok');
    expect(calls.map((c) => c.op)).toEqual(['sync', 'sync']);
    expect((await getScheduleTarget(h.db, w.id))?.trigger?.type).toBe('webhook');
  });

  it('delete: an active schedule workflow loses its schedule and its hook; a webhook workflow touches no schedule', async () => {
    fresh();
    const sched = await create({ name: 'Doomed', trigger: scheduleTrigger, actions: addAction });
    await lifecycle.activate({ workspaceId: ws.id, id: sched.id, publishedBy: null });
    calls = [];
    expect(await lifecycle.delete({ workspaceId: other.id, id: sched.id })).toBeNull();
    expect(calls).toEqual([]);
    const gone = await lifecycle.delete({ workspaceId: ws.id, id: sched.id });
    expect(gone?.id).toBe(sched.id);
    expect(calls).toEqual([{ op: 'remove', workflowId: sched.id, active: null }]);
    expect(await getWorkflow(h.db, { workspaceId: ws.id, id: sched.id })).toBeNull();

    calls = [];
    const hook = await create({ name: 'Doomed hook', trigger: { type: 'webhook', auth: { mode: 'header' } }, actions: addAction });
    const on = await lifecycle.activate({ workspaceId: ws.id, id: hook.id, publishedBy: null });
    expect(await hooks.resolve(on!.workflow.hookId!)).toMatchObject({ workflowId: hook.id, secret: on!.secret });
    await lifecycle.delete({ workspaceId: ws.id, id: hook.id });
    expect(await hooks.resolve(on!.workflow.hookId!)).toBeNull();
    expect((await workflowSecretKinds(h.db, { workspaceId: ws.id, workflowIds: [hook.id] })).size).toBe(0);
    expect(calls).toEqual([]);
  });

  it('a Temporal failure is reported, never undoes the database change', async () => {
    fresh();
    const w = await create({ name: 'Flaky', trigger: scheduleTrigger, actions: addAction });
    failSchedules = true;
    const done = await lifecycle.activate({ workspaceId: ws.id, id: w.id, publishedBy: null });
    expect(done).toMatchObject({ workflow: { isActive: true }, scheduleSync: 'failed' });
    expect(logged).toEqual([{ level: 'error', msg: 'schedule sync failed', fields: { workflowId: w.id, error: 'temporal is down' } }]);
    expect(await lifecycle.delete({ workspaceId: ws.id, id: w.id })).toMatchObject({ id: w.id });
    expect(logged[1]).toEqual({ level: 'error', msg: 'schedule remove failed', fields: { workflowId: w.id, error: 'Error: temporal is down' } });
    expect(await getWorkflow(h.db, { workspaceId: ws.id, id: w.id })).toBeNull();
  });

  it('unknown or foreign ids change nothing and set nothing in motion', async () => {
    fresh();
    const w = await create({ name: 'Mine', trigger: scheduleTrigger, actions: addAction });
    expect(await lifecycle.activate({ workspaceId: other.id, id: w.id, publishedBy: null })).toBeNull();
    expect(await lifecycle.deactivate({ workspaceId: other.id, id: w.id })).toBeNull();
    expect(await lifecycle.activate({ workspaceId: ws.id, id: 'not-a-uuid', publishedBy: null })).toBeNull();
    expect(await getWorkflow(h.db, { workspaceId: ws.id, id: w.id })).toMatchObject({ isActive: false, activeVersionId: null });
    expect(calls).toEqual([]);
  });
});
