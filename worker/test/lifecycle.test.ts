import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { records, and, eq } from '@conduit/core/testing';
import type { StepResult } from '@conduit/core/definition';
import type { Progress } from '../src';
import { createRunStarter } from '@conduit/functions/testing';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ db: 'pg' });
});
afterAll(async () => {
  await h?.close();
});

const count = async (object: string) =>
  (
    await h.db
      .select()
      .from(records)
      .where(and(eq(records.workspaceId, h.workspaceId), eq(records.object, object)))
  ).length;

async function until(fn: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}

describe('run lifecycle on PostgreSQL', () => {
  it('waits for a real duration and until a templated time', async () => {
    const at = new Date(Date.now() + 1_500).toISOString();
    const r = await h.startRun(
      [
        { id: 'short', type: 'wait', duration: '1s' },
        { id: 'until', type: 'wait', until: '{{trigger.at}}' },
      ],
      { trigger: { kind: 'manual', at } },
    );
    expect((await r.handle.result()).status).toBe('completed');
    const s = await h.steps(r.executionId);
    expect(s.short!.completedAt!.getTime() - s.short!.startedAt!.getTime()).toBeGreaterThanOrEqual(1_000);
    expect(s.short!.output).toMatchObject({ waitedMs: 1_000 });
    expect(s.until!.completedAt!.getTime()).toBeGreaterThanOrEqual(Date.parse(at) - 50);
    expect(s.until!.input).toMatchObject({ until: at });
  });

  it('cancels a waiting run at once: cancelled status, the wait cancelled, later steps skipped', async () => {
    const r = await h.startRun([
      { id: 'first', type: 'create_record', object: 'cancel_first', data: { n: 1 } },
      { id: 'nap', type: 'wait', duration: '1h' },
      { id: 'never', type: 'create_record', object: 'cancel_never', data: { n: 1 } },
    ]);
    await until(async () => (await r.handle.query<Progress>('progress')).steps.some((s) => s.actionId === 'nap' && s.status === 'running'));
    expect((await h.steps(r.executionId)).nap!.status).toBe('running');
    const t = Date.now();
    await r.handle.cancel();
    await expect(r.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(Date.now() - t).toBeLessThan(5_000);
    const exec = await h.execution(r.executionId);
    expect(exec).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    const s = await h.steps(r.executionId);
    expect(s.first!.status).toBe('completed');
    expect(s.nap!.status).toBe('cancelled');
    expect(s.never!.status).toBe('skipped');
    expect(await count('cancel_never')).toBe(0);
  });

  it('cancels a running script (the step is interrupted)', async () => {
    const r = await h.startRun([{ id: 'spin', type: 'run_script', code: 'while (true) {}', cpuMs: 10_000 }]);
    await until(async () => (await h.execution(r.executionId))?.status === 'running');
    await new Promise((res) => setTimeout(res, 300));
    const t = Date.now();
    await r.handle.cancel();
    await expect(r.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(Date.now() - t).toBeLessThan(5_000);
    expect((await h.execution(r.executionId))!.status).toBe('cancelled');
    expect((await h.steps(r.executionId)).spin!.status).toBe('cancelled');
  });

  it('retries a failed run from the failed step, reusing what succeeded, as a new linked execution', async () => {
    const actions = [
      { id: 'made', type: 'create_record' as const, object: 'retry_made', data: { n: 1 } },
      {
        id: 'check',
        type: 'run_script' as const,
        code: 'if (input.trigger.fail) throw new Error("upstream said no"); return { made: input.steps.made.output.id }',
      },
      { id: 'after', type: 'create_record' as const, object: 'retry_after', data: { made: '{{steps.check.output.made}}' } },
    ];
    const first = await h.startRun(actions, { trigger: { kind: 'manual', fail: true } });
    const r1 = await first.handle.result();
    expect(r1.status).toBe('failed');
    expect((await h.steps(first.executionId)).after!.status).toBe('skipped');
    // What the API's retry route does: reuse the outputs of the steps that completed.
    const resume: Record<string, StepResult> = {};
    for (const [id, row] of Object.entries(await h.steps(first.executionId)))
      if (row.status === 'completed') resume[id] = { status: 'completed', output: row.output ?? null };
    const second = await h.startRun(actions, {
      trigger: { kind: 'manual', fail: false },
      retryOf: first.executionId,
      resume: { fromExecutionId: first.executionId, steps: resume },
    });
    expect((await second.handle.result()).status).toBe('completed');
    expect((await h.execution(second.executionId))!.retryOf).toBe(first.executionId);
    const s = await h.steps(second.executionId);
    expect(s.made).toMatchObject({ status: 'completed', input: { reusedFrom: first.executionId } });
    expect(await count('retry_made')).toBe(1);
    const madeId = (s.made!.output as { id: string }).id;
    expect(s.check!.output).toEqual({ made: madeId });
    const [after] = await h.db
      .select()
      .from(records)
      .where(and(eq(records.workspaceId, h.workspaceId), eq(records.object, 'retry_after')));
    expect(after!.data).toEqual({ made: madeId });
  });

  it('finishes a run once when its worker is stopped mid-run and a new one starts', async () => {
    const r = await h.startRun([
      { id: 'before', type: 'create_record', object: 'kill_before', data: { n: 1 } },
      { id: 'nap', type: 'wait', duration: '2s' },
      { id: 'after', type: 'create_record', object: 'kill_after', data: { n: 1 } },
    ]);
    await until(async () => (await h.steps(r.executionId)).nap?.status === 'running');
    await h.stopWorker();
    await new Promise((res) => setTimeout(res, 2_500));
    expect((await h.execution(r.executionId))!.status).toBe('running');
    await h.startWorker();
    expect((await r.handle.result()).status).toBe('completed');
    expect(await count('kill_before')).toBe(1);
    expect(await count('kill_after')).toBe(1);
    const s = await h.steps(r.executionId);
    expect(Object.values(s).map((x) => [x.actionId, x.status])).toEqual([
      ['before', 'completed'],
      ['nap', 'completed'],
      ['after', 'completed'],
    ]);
    expect((await h.execution(r.executionId))!.status).toBe('completed');
  });

  it("a run started on the worker's own connection reaches it in the start response (eager start) and completes", async () => {
    const client = new Client({ connection: h.connection });
    const runs = createRunStarter({ db: h.db, temporal: client, taskQueue: h.taskQueue, eagerStart: true });
    const wf = await h.createWorkflow([{ id: 'mk', type: 'create_record', object: 'eager', data: { n: 1 } }]);
    const started = await runs.start({
      workspaceId: h.workspaceId,
      workflowId: wf.id,
      versionId: null,
      definition: {
        trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false },
        actions: [{ id: 'mk', type: 'create_record', object: 'eager', data: { n: 1 } }],
      } as never,
      trigger: { kind: 'manual', sample: 1 },
      eventId: null,
      causation: { depth: 0, chain: [] },
      isTest: true,
    });
    expect(started).toMatchObject({ deduplicated: false, eagerlyStarted: true });
    await until(async () => (await h.execution(started.executionId))?.status === 'completed');
    expect(await count('eager')).toBe(1);
  });

  it('creates its own execution row for a schedule fire', async () => {
    const wf = await h.createWorkflow([
      { id: 'tick', type: 'create_record', object: 'tick', data: { at: '{{trigger.scheduledAt}}', tz: '{{trigger.timezone}}' } },
    ]);
    const { RUN_WORKFLOW, RunInputSchema } = await import('@conduit/core/temporal');
    const handle = await h.client.workflow.start(RUN_WORKFLOW, {
      taskQueue: h.taskQueue,
      workflowId: `schedule-test-${wf.id}`,
      args: [
        RunInputSchema.parse({
          workspaceId: h.workspaceId,
          workflowId: wf.id,
          versionId: null,
          definition: {
            trigger: { type: 'schedule', cron: '* * * * *', timezone: 'Europe/Paris' },
            actions: [{ id: 'tick', type: 'create_record', object: 'tick', data: { at: '{{trigger.scheduledAt}}', tz: '{{trigger.timezone}}' } }],
          },
        }),
      ],
    });
    const res = (await handle.result()) as { executionId: string; status: string };
    expect(res.status).toBe('completed');
    const exec = await h.execution(res.executionId);
    expect(exec).toMatchObject({ status: 'completed', workflowId: wf.id, temporalWorkflowId: `schedule-test-${wf.id}` });
    expect(exec!.eventId).toBeTruthy();
    const [tick] = await h.db
      .select()
      .from(records)
      .where(and(eq(records.workspaceId, h.workspaceId), eq(records.object, 'tick')));
    expect(tick!.data.tz).toBe('Europe/Paris');
  });
});
