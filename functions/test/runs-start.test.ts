import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { workflowExecutions, eq, type DbHandle } from '@conduit/core/testing';
import { appendEvent } from '@conduit/core/domain';
import { PRIORITY_KEY, runWorkflowId } from '@conduit/core/temporal';
import { createRunStarter } from '../src/runs';
import { createTestDb } from '@conduit/local/testing';
import { connectTemporal, isolatedTaskQueue, noopActions, seedWorkflow, seedWorkspace, startedInput } from './dispatch-fixtures';

describe('run starter', () => {
  let h: DbHandle;
  let temporal: { client: Client; close: () => Promise<void> };
  beforeAll(async () => {
    h = await createTestDb('pg');
    temporal = await connectTemporal();
  });
  afterAll(async () => {
    await temporal?.close();
    await h?.close();
  });

  it('creates one execution and one Temporal workflow per (workflow, event), however often it is asked', async () => {
    const taskQueue = isolatedTaskQueue();
    const runs = createRunStarter({ db: h.db, temporal: temporal.client, taskQueue });
    const ws = await seedWorkspace(h.db);
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false } });
    const trigger = {
      kind: 'webhook' as const,
      method: 'POST',
      body: { a: 1 },
      query: {},
      headers: {},
      contentType: null,
      receivedAt: '2026-01-01T00:00:00.000Z',
    };
    const event = await appendEvent(h.db, {
      workspaceId: ws.workspaceId,
      source: 'webhook',
      type: 'webhook.received',
      workflowId: wf.workflowId,
      payload: trigger,
      causation: { depth: 1, chain: ['x'] },
    });
    const input = {
      workspaceId: ws.workspaceId,
      workflowId: wf.workflowId,
      versionId: wf.versionId,
      definition: { trigger: { type: 'webhook' as const, auth: { mode: 'none' as const }, allowGet: false }, actions: noopActions },
      trigger,
      eventId: event.id,
      causation: { depth: 1, chain: ['x'] },
    };
    const results = await Promise.all([runs.start(input), runs.start(input), runs.start(input)]);
    const ids = new Set(results.map((r) => r.executionId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
    const [id] = [...ids];
    const rows = await h.db.select().from(workflowExecutions).where(eq(workflowExecutions.workflowId, wf.workflowId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, temporalWorkflowId: runWorkflowId(id!), status: 'pending', input: trigger, eventId: event.id });
    const desc = await temporal.client.workflow.getHandle(runWorkflowId(id!)).describe();
    expect(desc.taskQueue).toBe(taskQueue);
    // An event's run is bulk work, fair-shared by its workspace (its activities and children inherit both).
    expect(desc.priority).toMatchObject({ priorityKey: PRIORITY_KEY.bulk, fairnessKey: ws.workspaceId });
    expect(await startedInput(temporal.client, id!)).toMatchObject({ executionId: id, trigger, causation: { depth: 1, chain: ['x'] }, isTest: false });

    // Once the run has moved on, asking again never starts it a second time.
    await h.db.update(workflowExecutions).set({ status: 'completed' }).where(eq(workflowExecutions.id, id!));
    await temporal.client.workflow.getHandle(runWorkflowId(id!)).terminate('test');
    expect(await runs.start(input)).toEqual({ executionId: id, deduplicated: true });
  });

  it('starts test runs and retries as their own executions', async () => {
    const taskQueue = isolatedTaskQueue();
    const runs = createRunStarter({ db: h.db, temporal: temporal.client, taskQueue });
    const ws = await seedWorkspace(h.db);
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: 'deal' } });
    const base = {
      workspaceId: ws.workspaceId,
      workflowId: wf.workflowId,
      versionId: null,
      definition: { trigger: { type: 'record_created' as const, object: 'deal' }, actions: noopActions },
      trigger: { kind: 'manual' as const, sample: 1 },
      eventId: null,
      causation: { depth: 0, chain: [] },
    };
    const a = await runs.start({ ...base, isTest: true });
    const b = await runs.start({ ...base, isTest: true });
    expect(a.executionId).not.toBe(b.executionId);
    const retry = await runs.start({
      ...base,
      retryOf: a.executionId,
      resume: { fromExecutionId: a.executionId, steps: { wait: { status: 'completed', output: 1 } } },
    });
    const input = await startedInput(temporal.client, retry.executionId);
    expect(input.resume).toEqual({ fromExecutionId: a.executionId, steps: { wait: { status: 'completed', output: 1 } } });
    const [row] = await h.db.select().from(workflowExecutions).where(eq(workflowExecutions.id, retry.executionId));
    expect(row).toMatchObject({ retryOf: a.executionId, isTest: false });
    const started = await temporal.client.workflow.getHandle(runWorkflowId(a.executionId)).describe();
    expect(started.taskQueue).toBe(taskQueue);
    // A person waits for test runs and retries: they go ahead of event-driven runs, in their workspace's share.
    expect(started.priority).toMatchObject({ priorityKey: PRIORITY_KEY.interactive, fairnessKey: ws.workspaceId });
    expect((await temporal.client.workflow.getHandle(runWorkflowId(retry.executionId)).describe()).priority?.priorityKey).toBe(PRIORITY_KEY.interactive);
    for (const id of [a.executionId, b.executionId, retry.executionId])
      await temporal.client.workflow
        .getHandle(runWorkflowId(id))
        .terminate('test')
        .catch(() => {});
  });

  it('closes the row of a test run that Temporal refuses, so it never sits pending', async () => {
    // A real Temporal refusal: the namespace does not exist.
    const broken = new Client({ connection: temporal.client.connection, namespace: `missing-${crypto.randomUUID()}` });
    const runs = createRunStarter({ db: h.db, temporal: broken, taskQueue: isolatedTaskQueue() });
    const ws = await seedWorkspace(h.db);
    const wf = await seedWorkflow(h.db, ws, { trigger: { type: 'record_created', object: 'deal' } });
    await expect(
      runs.start({
        workspaceId: ws.workspaceId,
        workflowId: wf.workflowId,
        versionId: null,
        definition: { trigger: { type: 'record_created', object: 'deal' }, actions: noopActions },
        trigger: { kind: 'manual', sample: 1 },
        eventId: null,
        causation: { depth: 0, chain: [] },
        isTest: true,
      }),
    ).rejects.toThrow();
    const rows = await h.db.select().from(workflowExecutions).where(eq(workflowExecutions.workflowId, wf.workflowId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'failed' });
    expect(rows[0]?.error).toMatch(/could not start the run/);
  });
});
