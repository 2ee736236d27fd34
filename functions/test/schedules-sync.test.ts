import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ScheduleNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporalPayloads, workflowVersions, workflows, eq, type DbHandle } from '@conduit/core/testing';
import { dbPayloadStore } from '@conduit/core/domain';
import { OFFLOAD_MIN_BYTES, temporalDataConverter } from '@conduit/core/temporal-codec';
import { PRIORITY_KEY, RUN_WORKFLOW, scheduleId, type RunInput } from '@conduit/core/temporal';
import { createScheduleSync, nextFireTimes, reconcileSchedulesLocked } from '../src/schedules';
import { createTestDb } from '@conduit/local/testing';
import { connectTemporal, decodeStored, ENCRYPTION_KEY, isolatedTaskQueue, seedWorkflow, seedWorkspace, waitUntil } from './dispatch-fixtures';

describe('schedule triggers on Temporal Schedules', () => {
  let h: DbHandle;
  let temporal: { client: Client; close: () => Promise<void> };
  let ws: { workspaceId: string; companyId: string };
  let sync: ReturnType<typeof createScheduleSync>;
  const taskQueue = isolatedTaskQueue();
  const deployment = `test-${crypto.randomUUID()}`;
  const created: string[] = [];

  beforeAll(async () => {
    h = await createTestDb('pg');
    temporal = await connectTemporal();
    ws = await seedWorkspace(h.db);
    sync = createScheduleSync({ db: h.db, temporal: temporal.client, taskQueue, deployment });
  });
  afterAll(async () => {
    for (const id of created) await sync.remove(id).catch(() => {});
    await temporal?.close();
    await h?.close();
  });

  const schedule = async (cron: string, timezone: string) => {
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'schedule', cron, timezone } });
    created.push(wf.workflowId);
    return wf;
  };
  const describeSchedule = (workflowId: string) => temporal.client.schedule.getHandle(scheduleId(workflowId)).describe();

  it('creates a schedule in the workflow zone, overlap SKIP, catch-up window, and a run input the worker completes', async () => {
    const wf = await schedule('0 9 * * *', 'America/New_York');
    expect(await sync.sync(wf.workflowId)).toBe('created');
    const d = await describeSchedule(wf.workflowId);
    expect(d.spec.timezone).toBe('America/New_York');
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.policies.catchupWindow).toBe(10 * 60 * 1000);
    expect(d.state.paused).toBe(false);
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: RUN_WORKFLOW, taskQueue });
    // Temporal's next fire times are 09:00 in New York, matching the API's DST-aware helper.
    const expected = nextFireTimes('0 9 * * *', 'America/New_York', 3);
    expect(d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString())).toEqual(expected.map((t) => t.toISOString()));
    const input = (d.action as { args: RunInput[] }).args[0]!;
    expect(input).toMatchObject({ workspaceId: ws.workspaceId, workflowId: wf.workflowId, versionId: wf.versionId, eventId: null, isTest: false });
    expect(input).not.toHaveProperty('executionId');
    expect(input).not.toHaveProperty('trigger');
    expect(input.definition.trigger).toEqual({ type: 'schedule', cron: '0 9 * * *', timezone: 'America/New_York' });
  });

  it('keeps a large definition in the schedule itself, never in the payload table that is pruned', async () => {
    // The product's client, which stores large run starts in the database.
    const storing = new Client({
      connection: temporal.client.connection,
      dataConverter: temporalDataConverter({ ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD: [] }, dbPayloadStore(h.db)),
    });
    const big = createScheduleSync({ db: h.db, temporal: storing, taskQueue, deployment });
    const code = `return ${JSON.stringify('s'.repeat(90_000))}.length`;
    const wf = await seedWorkflow(h.db, ws, {
      trigger: { type: 'schedule', cron: '0 3 * * *', timezone: 'UTC' },
      actions: [
        { id: 'one', type: 'run_script', code, memoryMb: 32, cpuMs: 100, onFailure: 'stop' },
        { id: 'two', type: 'run_script', code, memoryMb: 32, cpuMs: 100, onFailure: 'stop' },
      ],
    });
    created.push(wf.workflowId);
    expect(await big.sync(wf.workflowId)).toBe('created');
    // Over the 128 KB a stored payload starts at, yet the schedule's argument is the encrypted
    // definition itself, and nothing was stored.
    const raw = await storing.workflowService.describeSchedule({ namespace: 'default', scheduleId: scheduleId(wf.workflowId) });
    const arg = raw.schedule?.action?.startWorkflow?.input?.payloads?.[0];
    expect(new TextDecoder().decode(arg?.metadata?.encoding ?? undefined)).toBe('binary/encrypted');
    expect(arg?.data?.length ?? 0).toBeGreaterThan(OFFLOAD_MIN_BYTES);
    expect(await h.db.select().from(temporalPayloads)).toEqual([]);
    const d = await storing.schedule.getHandle(scheduleId(wf.workflowId)).describe();
    expect((d.action as { args: RunInput[] }).args[0]!.definition.actions.map((a) => a.id)).toEqual(['one', 'two']);
  });

  it('fires: a triggered schedule starts RUN_WORKFLOW with that input', async () => {
    const wf = await schedule('*/5 * * * *', 'Asia/Kolkata');
    await sync.sync(wf.workflowId);
    await temporal.client.schedule.getHandle(scheduleId(wf.workflowId)).trigger();
    const action = await waitUntil('the fire', async () => (await describeSchedule(wf.workflowId)).info.recentActions[0]);
    const started = action.action.workflow.workflowId;
    expect(started.startsWith(`${scheduleId(wf.workflowId)}-run`)).toBe(true);
    const handle = temporal.client.workflow.getHandle(started);
    const desc = await handle.describe();
    expect(desc.type).toBe(RUN_WORKFLOW);
    expect(desc.taskQueue).toBe(taskQueue);
    // A fire is bulk work, fair-shared by its workspace like an event's run.
    expect(desc.priority).toMatchObject({ priorityKey: PRIORITY_KEY.bulk, fairnessKey: ws.workspaceId });
    const history = await handle.fetchHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const [plain] = await decodeStored(temporal.client, payload);
    const input = defaultPayloadConverter.fromPayload(plain!) as RunInput;
    expect(input).toMatchObject({ workflowId: wf.workflowId, versionId: wf.versionId, definition: { trigger: { timezone: 'Asia/Kolkata' } } });
    await handle.terminate('test done').catch(() => {});
  });

  it('updates on edit, deletes on deactivation and deletion', async () => {
    const wf = await schedule('0 9 * * 1', 'Europe/Paris');
    await sync.sync(wf.workflowId);
    // A new version is published with another cron.
    const [v2] = await h.db
      .insert(workflowVersions)
      .values({
        workflowId: wf.workflowId,
        workspaceId: ws.workspaceId,
        version: 2,
        name: 'v2',
        trigger: { type: 'schedule', cron: '15 18 * * *', timezone: 'Europe/Paris' },
        actions: [],
      })
      .returning();
    await h.db.update(workflows).set({ activeVersionId: v2!.id }).where(eq(workflows.id, wf.workflowId));
    expect(await sync.sync(wf.workflowId)).toBe('updated');
    const d = await describeSchedule(wf.workflowId);
    expect(d.info.nextActionTimes[0]!.toISOString()).toBe(nextFireTimes('15 18 * * *', 'Europe/Paris', 1)[0]!.toISOString());
    expect((d.action as { args: RunInput[] }).args[0]!.versionId).toBe(v2!.id);

    await h.db.update(workflows).set({ isActive: false }).where(eq(workflows.id, wf.workflowId));
    expect(await sync.sync(wf.workflowId)).toBe('deleted');
    await expect(describeSchedule(wf.workflowId)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await sync.sync(wf.workflowId)).toBe('none');

    await h.db.update(workflows).set({ isActive: true }).where(eq(workflows.id, wf.workflowId));
    expect(await sync.sync(wf.workflowId)).toBe('created');
    await h.db.delete(workflows).where(eq(workflows.id, wf.workflowId));
    expect(await sync.sync(wf.workflowId)).toBe('deleted');
  });

  it('reconcile() makes Temporal match the database, touching only its own deployment', async () => {
    const missing = await schedule('0 6 * * *', 'UTC'); // active in the DB, no schedule yet
    const orphan = await schedule('0 7 * * *', 'UTC');
    await sync.sync(orphan.workflowId);
    await h.db.delete(workflows).where(eq(workflows.id, orphan.workflowId)); // deleted behind our back
    // Another deployment's schedule on the same namespace is left alone.
    const otherDb = await createTestDb('pg');
    const otherWs = await seedWorkspace(otherDb.db);
    const foreign = await seedWorkflow(otherDb.db, otherWs, { trigger: { type: 'schedule', cron: '0 8 * * *', timezone: 'UTC' } });
    const otherSync = createScheduleSync({ db: otherDb.db, temporal: temporal.client, taskQueue, deployment: `other-${crypto.randomUUID()}` });
    await otherSync.sync(foreign.workflowId);

    const result = await sync.reconcile();
    expect(result.removed).toBeGreaterThanOrEqual(1);
    await expect(describeSchedule(orphan.workflowId)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await describeSchedule(missing.workflowId)).spec.timezone).toBe('UTC');
    expect((await describeSchedule(foreign.workflowId)).state.paused).toBe(false);
    await otherSync.remove(foreign.workflowId);
    await otherDb.close();
  });

  it('two workers starting together reconcile one after the other (database lock), and Temporal ends up matching', async () => {
    const wanted = await Promise.all(['0 1 * * *', '0 2 * * *', '0 3 * * *', '0 4 * * *', '0 5 * * *'].map((cron) => schedule(cron, 'UTC')));
    const orphan = await schedule('0 6 * * *', 'UTC');
    await sync.sync(orphan.workflowId);
    await h.db.delete(workflows).where(eq(workflows.id, orphan.workflowId));
    // Each reconciler's Temporal schedule calls, in the order they happened, seen where they leave
    // for the server (the sync writes through a schedule client of its own).
    const calls: string[] = [];
    const tracked = (who: string) => {
      const { connection } = temporal.client;
      const service = new Proxy(connection.workflowService, {
        get(target, prop) {
          const value = Reflect.get(target, prop);
          if (typeof value !== 'function' || !/schedule/i.test(String(prop))) return value;
          return (...args: unknown[]) => {
            calls.push(`${who}:${String(prop)}`);
            return value.apply(target, args);
          };
        },
      });
      const watched = new Proxy(connection, { get: (target, prop) => (prop === 'workflowService' ? service : Reflect.get(target, prop)) });
      return { connection: watched, options: temporal.client.options } as Client;
    };
    const [a, b] = await Promise.all(['A', 'B'].map((who) => reconcileSchedulesLocked({ db: h.db, temporal: tracked(who), taskQueue, deployment })));
    // Both ran to the end; the one that got the lock second found the orphan already gone.
    expect(a!.synced).toBeGreaterThanOrEqual(wanted.length);
    expect(b!.synced).toBe(a!.synced);
    expect(a!.removed + b!.removed).toBe(1);
    // Never interleaved: all of one reconciler's calls, then all of the other's.
    const order = calls.map((c) => c.split(':')[0]);
    const switches = order.filter((who, i) => i > 0 && who !== order[i - 1]).length;
    expect(calls.length).toBeGreaterThan(2 * wanted.length);
    expect(switches).toBe(1);
    for (const wf of wanted) expect((await describeSchedule(wf.workflowId)).spec.timezone).toBe('UTC');
    await expect(describeSchedule(orphan.workflowId)).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});

describe('nextFireTimes', () => {
  it('follows DST in the zone', () => {
    // New York switches to EDT on 2026-03-08: 09:00 local moves from 14:00Z to 13:00Z.
    const times = nextFireTimes('0 9 * * *', 'America/New_York', 3, new Date('2026-03-06T15:00:00Z'));
    expect(times.map((t) => t.toISOString())).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
    expect(nextFireTimes('*/15 * * * *', 'UTC', 5, new Date('2026-01-01T00:01:00Z')).map((t) => t.toISOString().slice(11, 16))).toEqual([
      '00:15',
      '00:30',
      '00:45',
      '01:00',
      '01:15',
    ]);
  });
});
