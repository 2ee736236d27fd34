import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, findUnstorable, getRecord } from '@conduit/core/domain';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ db: 'pglite' });
});
afterAll(async () => {
  await h?.close();
});

describe('interpreter', () => {
  it('runs records, scripts and conditions in order, recording every step and skipping the untaken branch', async () => {
    const { record } = await createRecord(h.db, { workspaceId: h.workspaceId, object: 'deal', data: { name: 'Acme', amount: 12000 } });
    const { executionId, handle } = await h.startRun(
      [
        { id: 'score', type: 'run_script', code: 'console.log("scoring", input.trigger.record.name); return { score: input.trigger.record.amount / 1000 }' },
        {
          id: 'big',
          type: 'condition',
          if: { all: [{ left: '{{steps.score.output.score}}', op: 'gt', right: 10 }] },
          then: [
            {
              id: 'save',
              type: 'update_record',
              object: 'deal',
              recordId: '{{trigger.record.id}}',
              data: { score: '{{steps.score.output.score}}', label: 'big {{trigger.record.name}}' },
            },
          ],
          else: [{ id: 'small', type: 'update_record', object: 'deal', recordId: '{{trigger.record.id}}', data: { label: 'small' } }],
        },
        { id: 'made', type: 'create_record', object: 'task', data: { title: 'Call {{trigger.record.name}}', dealId: '{{steps.save.output.id}}' } },
      ],
      {
        trigger: {
          kind: 'record',
          event: 'updated',
          object: 'deal',
          recordId: record.id,
          record: { ...record.data, id: record.id },
          previous: null,
          changed: ['amount'],
        },
      },
    );
    const result = await handle.result();
    expect(result.status).toBe('completed');
    const exec = await h.execution(executionId);
    expect(exec).toMatchObject({ status: 'completed', error: null });
    expect(exec!.startedAt).toBeTruthy();
    expect(exec!.completedAt).toBeTruthy();
    const s = await h.steps(executionId);
    expect(s.score).toMatchObject({ status: 'completed', output: { score: 12 }, attempts: 1 });
    expect((s.score!.input as { logs: string[] }).logs).toEqual(['scoring Acme']);
    expect(s.big).toMatchObject({ status: 'completed', output: { branch: 'then', result: true } });
    expect((s.big!.output as { trace: unknown[] }).trace).toEqual([{ path: 'all[0]', op: 'gt', left: 12, right: 10, result: true }]);
    expect(s.save).toMatchObject({
      status: 'completed',
      path: 'actions[1].then[0]',
      input: { object: 'deal', recordId: record.id, data: { score: 12, label: 'big Acme' } },
    });
    expect(s.small).toMatchObject({ status: 'skipped', path: 'actions[1].else[0]' });
    expect(s.made!.status).toBe('completed');
    expect([s.score!.seq, s.big!.seq, s.save!.seq, s.made!.seq]).toEqual([0, 1, 2, 3]);
    const updated = await getRecord(h.db, { workspaceId: h.workspaceId, object: 'deal', id: record.id });
    expect(updated!.data).toMatchObject({ score: 12, label: 'big Acme', amount: 12000 });
    // Record events carry the causal chain so the dispatcher can stop loops.
    const ev = h.published.find((e) => e.recordId === record.id && e.type === 'record.updated');
    expect(ev?.causation).toEqual({ depth: 1, chain: [executionId] });
    const task = h.published.find((e) => e.type === 'record.created' && e.object === 'task');
    expect(task?.payload).toMatchObject({ record: { title: 'Call Acme', dealId: record.id } });
  });

  it('runs light steps in one local activity that also begins and ends the execution, from inside a branch', async () => {
    const { executionId, handle } = await h.startRun([
      {
        id: 'gate',
        type: 'condition',
        if: { all: [{ left: '{{trigger.sample}}', op: 'eq', right: 1 }] },
        then: [
          { id: 'a', type: 'run_script', code: 'return 1' },
          { id: 'b', type: 'run_script', code: 'return input.steps.a.output + 1' },
        ],
        else: [{ id: 'never', type: 'run_script', code: 'return 0' }],
      },
    ]);
    expect((await handle.result()).status).toBe('completed');
    const exec = await h.execution(executionId);
    expect(exec).toMatchObject({ status: 'completed', error: null });
    expect(exec!.startedAt).toBeTruthy();
    expect(exec!.output).toMatchObject({ steps: { gate: { status: 'completed' }, a: { output: 1 }, b: { output: 2 } } });
    const s = await h.steps(executionId);
    expect(Object.values(s).map((x) => [x.actionId, x.status, x.seq])).toEqual([
      ['gate', 'completed', 0],
      ['a', 'completed', 1],
      ['b', 'completed', 2],
      ['never', 'skipped', 3],
    ]);
    // The begin is folded into the run's one final write, with the time the run began (before its steps).
    const firstStep = Math.min(...Object.values(s).flatMap((x) => (x.startedAt ? [new Date(x.startedAt).getTime()] : [])));
    expect(new Date(exec!.startedAt!).getTime()).toBeLessThanOrEqual(firstStep);
    expect(new Date(exec!.completedAt!).getTime()).toBeGreaterThanOrEqual(firstStep);
    // Each local activity is a round trip inside the worker; begin, both steps and the end share one.
    const { events } = await handle.fetchHistory();
    const localActivities = (events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(localActivities).toHaveLength(1);
  });

  it('fails the run on a missing record with a clear error and skips the rest; continue keeps going', async () => {
    const { executionId, handle } = await h.startRun([
      { id: 'soft', type: 'update_record', object: 'deal', recordId: '00000000-0000-4000-8000-000000000000', data: { a: 1 }, onFailure: 'continue' },
      { id: 'check', type: 'condition', if: { all: [{ left: '{{steps.soft.output.error}}', op: 'contains', right: 'no deal record' }] }, then: [], else: [] },
      { id: 'hard', type: 'delete_record', object: 'deal', recordId: 'not-a-uuid' },
      { id: 'after', type: 'create_record', object: 'task', data: { x: 1 } },
    ]);
    const result = await handle.result();
    expect(result.status).toBe('failed');
    const exec = await h.execution(executionId);
    expect(exec!.status).toBe('failed');
    expect(exec!.error).toBe('step "hard" failed: no deal record with id "not-a-uuid" in this workspace');
    const s = await h.steps(executionId);
    expect(s.soft).toMatchObject({
      status: 'failed',
      output: { error: 'no deal record with id "00000000-0000-4000-8000-000000000000" in this workspace' },
      attempts: 1,
    });
    expect(s.check!.output).toMatchObject({ branch: 'then' });
    expect(s.hard).toMatchObject({ status: 'failed', attempts: 1 });
    expect(s.after!.status).toBe('skipped');
  });

  it('answers the progress query and reports script errors with line numbers', async () => {
    const { executionId, handle } = await h.startRun([
      { id: 'ok', type: 'run_script', code: 'return 1' },
      { id: 'bad', type: 'run_script', code: 'const a = 1;\nnull.x;' },
    ]);
    await handle.result();
    const progress = await handle.query('progress');
    expect(progress).toMatchObject({
      executionId,
      status: 'failed',
      steps: [
        { actionId: 'ok', status: 'completed' },
        { actionId: 'bad', status: 'failed' },
      ],
    });
    const s = await h.steps(executionId);
    expect(s.bad!.error).toMatch(/TypeError: .*\(line 2\)/);
  });
});

describe('text PostgreSQL cannot store', () => {
  it('an output holding NUL or an unpaired surrogate fails its step, naming where; an error message holding them is stored with U+FFFD', async () => {
    const { executionId, handle } = await h.startRun([
      { id: 'nul', type: 'run_script', code: 'return { s: "a\\u0000b" }', onFailure: 'continue' },
      { id: 'logged', type: 'run_script', code: 'console.log("x\\u0000" + String.fromCharCode(0xd800)); return 1' },
      { id: 'thrown', type: 'run_script', code: 'throw new Error("bad\\u0000" + String.fromCharCode(0xdc00))', onFailure: 'continue' },
      { id: 'lone', type: 'run_script', code: 'return [String.fromCharCode(0xdc00)]' },
      { id: 'after', type: 'run_script', code: 'return 2' },
    ]);
    const summary = await handle.result();
    expect(summary.status).toBe('failed');
    const s = await h.steps(executionId);
    expect(s.nul).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: "the step's output.s cannot be stored: text may not contain the NUL character (U+0000)",
    });
    expect(s.logged).toMatchObject({ status: 'completed', output: 1 });
    // Console lines cross the sandbox boundary as C strings, which already leaves them storable.
    const logs = (s.logged!.input as { logs: string[] }).logs;
    expect(logs).toEqual([expect.stringMatching(/^x/)]);
    expect(findUnstorable(logs)).toBeNull();
    expect(s.thrown).toMatchObject({ status: 'failed' });
    expect(s.thrown!.error).toContain('bad\ufffd\ufffd');
    expect(s.lone).toMatchObject({
      status: 'failed',
      error: "the step's output[0] cannot be stored: text may not contain an unpaired UTF-16 surrogate (U+D800–U+DFFF)",
    });
    expect(s.after!.status).toBe('skipped');
  });
});

describe('long runs', () => {
  it('continues as new when history grows, carrying step results, and records every step once', async () => {
    const actions = [
      ...Array.from({ length: 12 }, (_, i) => ({ id: `a${i}`, type: 'run_script' as const, code: `return ${i}` })),
      {
        id: 'branch',
        type: 'condition' as const,
        if: { all: [{ left: '{{steps.a3.output}}', op: 'eq' as const, right: 3 }] },
        then: Array.from({ length: 8 }, (_, i) => ({ id: `t${i}`, type: 'run_script' as const, code: `return input.steps.a${i}.output + 100` })),
        else: [{ id: 'never', type: 'run_script' as const, code: 'return 0' }],
      },
      { id: 'last', type: 'run_script' as const, code: 'return Object.keys(input.steps).length' },
    ];
    const wf = await h.createWorkflow(actions);
    const { createExecution } = await import('@conduit/core/domain');
    const { RUN_WORKFLOW, RunInputSchema, runWorkflowId } = await import('@conduit/core/temporal');
    const { execution } = await createExecution(h.db, { workspaceId: h.workspaceId, workflowId: wf.id, versionId: null, eventId: null, input: {} });
    const handle = await h.client.workflow.start(RUN_WORKFLOW, {
      taskQueue: h.taskQueue,
      workflowId: runWorkflowId(execution.id),
      args: [
        RunInputSchema.parse({
          executionId: execution.id,
          workspaceId: h.workspaceId,
          workflowId: wf.id,
          versionId: null,
          definition: { trigger: { type: 'webhook' }, actions },
          trigger: { kind: 'manual' },
        }),
        { stepsPerRun: 5 },
      ],
    });
    const firstRunId = handle.firstExecutionRunId;
    const result = (await handle.result()) as { status: string };
    expect(result.status).toBe('completed');
    const desc = await handle.describe();
    expect(desc.runId).not.toBe(firstRunId);
    const first = await h.client.workflow.getHandle(runWorkflowId(execution.id), firstRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    const s = await h.steps(execution.id);
    expect(Object.keys(s)).toHaveLength(23);
    expect(s.t7).toMatchObject({ status: 'completed', output: 107 });
    expect(s.never!.status).toBe('skipped');
    // Everything that ran before continue-as-new is visible to later steps.
    expect(s.last!.output).toBe(21);
    expect(new Set(Object.values(s).map((x) => x.seq)).size).toBe(23);
    expect((await h.execution(execution.id))!.status).toBe('completed');
  });
});
