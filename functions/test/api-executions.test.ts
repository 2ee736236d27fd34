import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionSteps, temporalPayloads, workflowExecutions, eq } from '@conduit/core/testing';
import { createExecution } from '@conduit/core/domain';
import { runWorkflowId } from '@conduit/core/temporal';
import { createTestApi, snapshot, startedInput, webhookWorkflow, type TestApi } from './api-helpers';

/**
 * Runs through the API on the real Temporal dev server. No worker polls the task queue, so started
 * workflows stay running: the tests check what the API itself does (rows, starts, cancel requests).
 */
describe.each(['pglite', 'pg'] as const)('executions API (%s)', (kind) => {
  let t: TestApi;
  let admin: string;
  let member: string;
  let wfId: string;
  let versionId: string;
  const taskQueue = `api-exec-${crypto.randomUUID()}`;
  beforeAll(async () => {
    t = await createTestApi(kind, { taskQueue });
    admin = await t.login(t.a.admin.email);
    member = await t.login(t.a.member.email);
    const wf = await t.call('POST', `/api/workspaces/${t.a.id}/workflows`, { cookie: admin, json: webhookWorkflow });
    wfId = wf.data.id;
    versionId = (await t.call('POST', `/api/workspaces/${t.a.id}/workflows/${wfId}/activate`, { cookie: admin })).data.version.id;
  });
  afterAll(() => t.close());

  /** An event-driven run of the active version, with `status` (pending: never started in Temporal). */
  const mk = async (status: 'pending' | 'failed' | 'completed', recordId: string | null, createdAt = new Date()) => {
    const { execution } = await createExecution(t.db, {
      workspaceId: t.a.id,
      workflowId: wfId,
      versionId,
      eventId: crypto.randomUUID(),
      input: { kind: 'manual' },
      recordId,
    });
    await t.db.update(workflowExecutions).set({ status, createdAt }).where(eq(workflowExecutions.id, execution.id));
    return execution.id;
  };

  it('POST /test runs the draft as a test run: a row, and a Temporal workflow started with the sample', async () => {
    await t.call('PATCH', `/api/workspaces/${t.a.id}/workflows/${wfId}`, { cookie: admin, json: { name: 'Draft only' } });
    const r = await t.call('POST', `/api/workspaces/${t.a.id}/workflows/${wfId}/test`, { cookie: admin, json: { payload: { name: 'Sample' } } });
    expect(r.status).toBe(201);
    expect(r.data).toMatchObject({ workflowId: wfId, isTest: true, versionId: null, status: 'pending', temporalWorkflowId: runWorkflowId(r.data.id) });
    const desc = await t.temporal.workflow.getHandle(r.data.temporalWorkflowId).describe();
    expect(desc.status.name).toBe('RUNNING');
    expect(desc.taskQueue).toBe(taskQueue);
    const input = await startedInput(t.temporal, r.data.id);
    // Dry unless asked otherwise: the run input and the row say so.
    expect(input).toMatchObject({ isTest: true, dryRun: true, versionId: null, executionId: r.data.id });
    expect(r.data.dryRun).toBe(true);
    expect(input.trigger).toMatchObject({ kind: 'webhook', body: { name: 'Sample' } });
    const bad = await t.call('POST', `/api/workspaces/${t.a.id}/workflows/${wfId}/test`, { cookie: admin, json: { payload: 1, extra: { __proto__: 1 } } });
    expect(bad.status).toBe(201); // the stray key is stripped, the number becomes the webhook body
    const live = await t.call('POST', `/api/workspaces/${t.a.id}/workflows/${wfId}/test`, { cookie: admin, json: { payload: {}, mode: 'live' } });
    expect(live.data.dryRun).toBe(false);
    expect(await startedInput(t.temporal, live.data.id)).toMatchObject({ dryRun: false });
    const wrong = await t.call('POST', `/api/workspaces/${t.a.id}/workflows/${wfId}/test`, { cookie: admin, json: { mode: 'pretend' } });
    expect(wrong.status).toBe(400);
  });

  it('lists with filters and cursor, and shows one run with its steps in order', async () => {
    const e1 = await mk('completed', 'rec-1', new Date('2026-01-01T00:00:00Z'));
    const e2 = await mk('failed', 'rec-2', new Date('2026-01-02T00:00:00Z'));
    const e3 = await mk('failed', 'rec-1', new Date('2026-01-03T00:00:00Z'));
    await t.db.insert(executionSteps).values([
      { executionId: e3, workspaceId: t.a.id, actionId: 'b', actionType: 'wait', path: 'actions[1]', seq: 1, status: 'failed', error: 'boom' },
      {
        executionId: e3,
        workspaceId: t.a.id,
        actionId: 'a',
        actionType: 'create_record',
        path: 'actions[0]',
        seq: 0,
        status: 'completed',
        output: { id: 'r1' },
      },
    ]);
    const ws = `/api/workspaces/${t.a.id}/executions`;
    const ids = async (q: string) => (await t.call('GET', `${ws}?isTest=false&${q}`, { cookie: member })).data.items.map((e: { id: string }) => e.id);
    expect(await ids(`workflowId=${wfId}`)).toEqual([e3, e2, e1]);
    expect(await ids('status=failed')).toEqual([e3, e2]);
    expect(await ids('recordId=rec-1')).toEqual([e3, e1]);
    expect(await ids('from=2026-01-02T00:00:00Z&to=2026-01-02T12:00:00Z')).toEqual([e2]);
    const p1 = await t.call('GET', `${ws}?isTest=false&limit=2`, { cookie: member });
    expect(p1.data.items.map((e: { id: string }) => e.id)).toEqual([e3, e2]);
    const p2 = await t.call('GET', `${ws}?isTest=false&limit=2&cursor=${p1.data.nextCursor}`, { cookie: member });
    expect(p2.data.items.map((e: { id: string }) => e.id)).toEqual([e1]);
    expect((await t.call('GET', `${ws}?isTest=true`, { cookie: member })).data.items.every((e: { isTest: boolean }) => e.isTest)).toBe(true);
    const listed = await t.call('GET', `/api/workspaces/${t.a.id}/workflows`, { cookie: member });
    expect(listed.data.items.find((w: { id: string }) => w.id === wfId).lastRun).toEqual({ status: 'failed', createdAt: '2026-01-03T00:00:00.000Z' });

    const detail = await t.call('GET', `${ws}/${e3}`, { cookie: member });
    expect(detail.data).toMatchObject({ id: e3, workflowName: 'Draft only', version: 1, status: 'failed' });
    expect(detail.data.steps.map((s: { actionId: string }) => s.actionId)).toEqual(['a', 'b']);

    // Retry: a new run pinned to the same version, resuming the completed step's output.
    expect((await t.call('POST', `${ws}/${e3}/retry`, { cookie: member })).status).toBe(403);
    const retry = await t.call('POST', `${ws}/${e3}/retry`, { cookie: admin });
    expect(retry.status).toBe(201);
    expect(retry.data).toMatchObject({ retryOf: e3, versionId, recordId: 'rec-1', status: 'pending' });
    const input = await startedInput(t.temporal, retry.data.id);
    expect(input.resume).toEqual({ fromExecutionId: e3, steps: { a: { status: 'completed', output: { id: 'r1' } } } });
    expect(input.definition.actions.map((a) => a.id)).toEqual(['mk']);
    const notFailed = await t.call('POST', `${ws}/${e1}/retry`, { cookie: admin });
    expect(notFailed.status).toBe(409);
  });

  it('retries a run whose completed steps returned more than Temporal takes in one message: the input is stored, not refused', async () => {
    // Two completed steps of 1.3 MB each: the retry's start input carries both (2.6 MB), over the
    // 2 MB Temporal accepts in one payload.
    const failed = await mk('failed', null);
    const big = (n: number) => ({ text: `${n}:${'x'.repeat(1_300_000)}` });
    await t.db.insert(executionSteps).values(
      [0, 1].map((n) => ({
        executionId: failed,
        workspaceId: t.a.id,
        actionId: `s${n}`,
        actionType: 'run_script' as const,
        path: `actions[${n}]`,
        seq: n,
        status: 'completed' as const,
        output: big(n),
      })),
    );
    const retry = await t.call('POST', `/api/workspaces/${t.a.id}/executions/${failed}/retry`, { cookie: admin });
    expect(retry.status).toBe(201);
    // Temporal holds a reference; the client reads the stored input back whole.
    const input = await startedInput(t.temporal, retry.data.id);
    expect(input.resume?.steps).toEqual({ s0: { status: 'completed', output: big(0) }, s1: { status: 'completed', output: big(1) } });
    expect((await t.db.select().from(temporalPayloads)).length).toBeGreaterThan(0);
  });

  it('cancel asks Temporal to cancel a running run; a run that never reached Temporal is marked cancelled', async () => {
    const run = await t.call('POST', `/api/workspaces/${t.a.id}/workflows/${wfId}/test`, { cookie: admin, json: {} });
    const ws = `/api/workspaces/${t.a.id}/executions`;
    expect((await t.call('POST', `${ws}/${run.data.id}/cancel`, { cookie: member })).status).toBe(403);
    const c = await t.call('POST', `${ws}/${run.data.id}/cancel`, { cookie: admin });
    expect(c.status).toBe(202);
    const history = await t.temporal.workflow.getHandle(run.data.temporalWorkflowId).fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);

    const never = await mk('pending', null);
    const orphan = await t.call('POST', `${ws}/${never}/cancel`, { cookie: admin });
    expect(orphan.status).toBe(202);
    expect(orphan.data.status).toBe('cancelled');
    const again = await t.call('POST', `${ws}/${never}/cancel`, { cookie: admin });
    expect(again.status).toBe(409);
  });

  it('another workspace’s runs are 404 on every route, and nothing changes', async () => {
    const bAdmin = await t.login(t.b.admin.email);
    const ws = `/api/workspaces/${t.a.id}/executions`;
    const [mine] = (await t.call('GET', `${ws}?limit=1`, { cookie: admin })).data.items;
    const before = await snapshot(t.db);
    for (const [m, p] of [
      ['GET', ''],
      ['POST', '/cancel'],
      ['POST', '/retry'],
    ] as const) {
      const r = await t.call(m, `/api/workspaces/${t.b.id}/executions/${mine.id}${p}`, { cookie: bAdmin });
      expect(r.status, `${m} ${p}`).toBe(404);
    }
    expect((await t.call('GET', `/api/workspaces/${t.b.id}/executions`, { cookie: bAdmin })).data.items).toEqual([]);
    expect(await snapshot(t.db)).toBe(before);
  });
});
