import { describe, expect, it } from 'vitest';
import type { WorkflowActionInput } from '@conduit/core/definition';
import { RunInputSchema, type RunInputArg } from '@conduit/core/temporal';
import { CallFailed, Interpreter, waitMs, type RunCommands, type RunOptions } from '../src/workflows/interpreter';
import type { SegmentCall, StepCall } from '../src/workflows/contract';

/** The interpreter's pure half, driven by recorded fake commands: no Temporal, no database. */

const ids = { executionId: '00000000-0000-4000-8000-0000000000e1', temporalWorkflowId: 'run-e1' };
const ws = '00000000-0000-4000-8000-0000000000a1';
const wf = '00000000-0000-4000-8000-0000000000b1';

type Recorded = { name: string; arg: unknown; extra?: unknown[] };
class ContinuedAsNew extends Error {}
class Cancelled extends Error {}

function setup(
  actions: WorkflowActionInput[],
  opts: { input?: Partial<RunInputArg>; options?: RunOptions; commands?: Partial<RunCommands>; historyFull?: boolean } = {},
) {
  const calls: Recorded[] = [];
  const input = RunInputSchema.parse({
    executionId: ids.executionId,
    workspaceId: ws,
    workflowId: wf,
    versionId: null,
    definition: { trigger: { type: 'webhook' }, actions },
    trigger: { kind: 'manual', n: 5 },
    ...opts.input,
  });
  const base: RunCommands = {
    async runStep(call, placement, policy, ms) {
      calls.push({ name: 'runStep', arg: call, extra: [placement, policy.maxAttempts, ms] });
      return { output: `out:${call.step.actionId}`, attempts: 1, startedAt: 's', completedAt: 'c', ...(call.finish ? { finished: true } : {}) };
    },
    async runSegment(call) {
      calls.push({ name: 'runSegment', arg: call });
      return {
        done: call.items.map((i) => ({ actionId: i.meta.actionId, output: `out:${i.meta.actionId}`, startedAt: 's', completedAt: 'c' })),
        ...(call.finish ? { finished: true } : {}),
      };
    },
    async beginRun(b) {
      calls.push({ name: 'beginRun', arg: b });
    },
    async recordSteps(rows) {
      calls.push({ name: 'recordSteps', arg: rows });
    },
    async finishRun(f) {
      calls.push({ name: 'finishRun', arg: f });
    },
    async sleep(ms) {
      calls.push({ name: 'sleep', arg: ms });
    },
    historyFull: () => opts.historyFull ?? false,
    async continueAsNew(next, options) {
      calls.push({ name: 'continueAsNew', arg: next, extra: [options] });
      throw new ContinuedAsNew();
    },
    async callWorkflow(c) {
      calls.push({ name: 'callWorkflow', arg: c });
      const summary = { executionId: 'child-1', status: 'completed' as const, error: null, steps: { a: { status: 'completed' as const, output: 42 } } };
      return { executionId: 'child-1', workflowName: 'Child', ...(c.wait ? { summary } : {}) };
    },
    async openApproval(call) {
      calls.push({ name: 'openApproval', arg: call });
      return { approvalId: 'ap1', notified: ['ann@example.com'] };
    },
    async awaitDecision(id, ms) {
      calls.push({ name: 'awaitDecision', arg: id, extra: [ms] });
      return null;
    },
    async settleApproval(s) {
      calls.push({ name: 'settleApproval', arg: s });
      return null;
    },
  };
  const commands = { ...base, ...opts.commands } as RunCommands;
  // Overrides still get recorded by name.
  for (const k of Object.keys(opts.commands ?? {}) as (keyof RunCommands)[]) {
    const f = commands[k] as (...a: unknown[]) => unknown;
    (commands as Record<string, unknown>)[k] = (...a: unknown[]) => {
      calls.push({ name: k, arg: a[0], extra: a.slice(1) });
      return f(...a);
    };
  }
  const interpreter = new Interpreter(input, opts.options ?? {}, ids, commands);
  return { interpreter, calls, names: () => calls.map((c) => c.name) };
}

const rowsOf = (rows: unknown) => (rows as { actionId: string; status: string; seq: number; path: string }[]).map((r) => [r.actionId, r.status, r.seq, r.path]);

describe('interpreter plan', () => {
  it('runs consecutive local steps as one segment carrying the begin, an activity alone, and lets the last call finish the run', async () => {
    const { interpreter, calls, names } = setup([
      { id: 'a', type: 'create_record', object: 'deal', data: { n: '{{trigger.n}}' } },
      { id: 'b', type: 'run_script', code: 'return 1' },
      { id: 'c', type: 'send_email', to: 'a@example.com', subject: 's', body: 'b' },
      { id: 'd', type: 'update_record', object: 'deal', recordId: '{{steps.a.output}}', data: { x: 1 } },
    ]);
    const summary = await interpreter.execute();
    expect(names()).toEqual(['runSegment', 'runStep', 'runStep']);
    const seg = calls[0]!.arg as SegmentCall;
    expect(seg.items.map((i) => [i.meta.actionId, i.meta.seq, i.meta.path])).toEqual([
      ['a', 0, 'actions[0]'],
      ['b', 1, 'actions[1]'],
    ]);
    expect(seg.begin).toMatchObject({ versionId: null });
    expect(seg.begin!.createExecution).toBeUndefined();
    expect(seg.finish).toBeUndefined();
    const mail = calls[1]!.arg as StepCall;
    expect(calls[1]!.extra).toEqual(['activity', 3, 60_000]);
    expect(mail).toMatchObject({ step: { actionId: 'c', seq: 2 }, remote: true });
    expect(mail.begin).toBeUndefined();
    expect(mail.finish).toBeUndefined();
    const last = calls[2]!.arg as StepCall;
    expect(calls[2]!.extra).toEqual(['local', 3, 30_000]);
    // Templates are resolved against the results so far.
    expect(last.action).toMatchObject({ recordId: 'out:a' });
    expect(last.finish).toEqual({
      steps: { a: { status: 'completed', output: 'out:a' }, b: { status: 'completed', output: 'out:b' }, c: { status: 'completed', output: 'out:c' } },
      skipped: [],
    });
    expect(summary).toMatchObject({ executionId: ids.executionId, status: 'completed', error: null });
    expect(interpreter.progress().steps.map((s) => [s.actionId, s.status])).toEqual([
      ['a', 'completed'],
      ['b', 'completed'],
      ['c', 'completed'],
      ['d', 'completed'],
    ]);
  });

  it('evaluates a condition inline, queues its row for the next call and skips the untaken branch in the finishing call', async () => {
    const { interpreter, calls, names } = setup([
      {
        id: 'gate',
        type: 'condition',
        if: { all: [{ left: '{{trigger.n}}', op: 'gt', right: 3 }] },
        then: [{ id: 'yes', type: 'run_script', code: 'return 1' }],
        else: [{ id: 'no', type: 'run_script', code: 'return 0' }],
      },
      { id: 'mail', type: 'send_email', to: 'a@example.com', subject: 's', body: 'b' },
    ]);
    await interpreter.execute();
    expect(names()).toEqual(['runStep', 'runStep']);
    const yes = calls[0]!.arg as StepCall;
    expect(yes.step).toMatchObject({ actionId: 'yes', seq: 1, path: 'actions[0].then[0]' });
    expect(rowsOf(yes.flush)).toEqual([['gate', 'completed', 0, 'actions[0]']]);
    expect(yes.flush[0]!.output).toMatchObject({ branch: 'then', result: true });
    expect(yes.begin).toBeDefined();
    const mail = calls[1]!.arg as StepCall;
    expect(rowsOf(mail.finish!.skipped)).toEqual([['no', 'skipped', 3, 'actions[0].else[0]']]);
  });

  it('a failed first effect sends the begin again, fails the run and skips the rest; onFailure continue keeps going', async () => {
    let n = 0;
    const { interpreter, calls, names } = setup(
      [
        { id: 'soft', type: 'send_webhook', url: 'https://example.com/a', onFailure: 'continue' },
        { id: 'hard', type: 'send_webhook', url: 'https://example.com/b' },
        { id: 'after', type: 'create_record', object: 'deal', data: {} },
      ],
      {
        commands: {
          runStep: async () => {
            throw new CallFailed(`boom ${++n}`, { attempt: 2, startedAt: '2030-01-01T00:00:00.000Z' });
          },
        },
      },
    );
    const summary = await interpreter.execute();
    expect(summary).toMatchObject({ status: 'failed', error: 'step "hard" failed: boom 2' });
    expect(summary.steps.soft).toEqual({ status: 'failed', output: { error: 'boom 1' }, error: 'boom 1' });
    expect(names()).toEqual(['runStep', 'runStep', 'beginRun', 'finishRun']);
    expect((calls[0]!.arg as StepCall).begin).toBeDefined();
    // The second call carries the begin again (the first may never have written it) and the soft failure's row.
    const second = calls[1]!.arg as StepCall;
    expect(second.begin).toBeDefined();
    expect(rowsOf(second.flush)).toEqual([['soft', 'failed', 0, 'actions[0]']]);
    const finish = calls[3]!.arg as { status: string; error: string; flush: unknown };
    expect(finish).toMatchObject({ status: 'failed', error: 'step "hard" failed: boom 2' });
    expect(rowsOf(finish.flush)).toEqual([
      ['soft', 'failed', 0, 'actions[0]'],
      ['hard', 'failed', 1, 'actions[1]'],
      ['after', 'skipped', 2, 'actions[2]'],
    ]);
    expect((finish.flush as { attempts?: number; startedAt?: string }[])[1]).toMatchObject({ attempts: 2, startedAt: '2030-01-01T00:00:00.000Z' });
  });

  it('waits: begin and the running row before the timer, then the completed row; a bad "until" fails the step', async () => {
    expect(waitMs({ duration: '1m' }, 0)).toEqual({ ms: 60_000, error: null });
    expect(waitMs({ until: '1970-01-01T00:00:10Z' }, 4_000)).toEqual({ ms: 6_000, error: null });
    expect(waitMs({ until: '1970-01-01T00:00:10Z' }, 20_000)).toEqual({ ms: 0, error: null });
    expect(waitMs({ until: 'soon' }, 0).error).toBe('"until" resolved to "soon", which is not a date-time');
    const { interpreter, calls, names } = setup([
      { id: 'nap', type: 'wait', duration: '2s' },
      { id: 'bad', type: 'wait', until: '{{trigger.missing}}', onFailure: 'continue' },
    ]);
    const summary = await interpreter.execute();
    expect(names()).toEqual(['beginRun', 'recordSteps', 'sleep', 'finishRun']);
    expect(rowsOf(calls[1]!.arg)).toEqual([['nap', 'running', 0, 'actions[0]']]);
    expect(calls[2]!.arg).toBe(2_000);
    expect(summary.steps.nap).toMatchObject({ status: 'completed', output: { waitedMs: 2_000 } });
    expect(summary.steps.bad).toMatchObject({ status: 'failed', error: '"until" resolved to null, which is not a date-time' });
    expect(rowsOf((calls[3]!.arg as { flush: unknown }).flush)).toEqual([
      ['nap', 'completed', 0, 'actions[0]'],
      ['bad', 'failed', 1, 'actions[1]'],
    ]);
  });

  it('call_workflow: the running row before the call, then the child outputs; a failed child fails the step; fire-and-forget returns once started', async () => {
    const child = '00000000-0000-4000-8000-0000000000c1';
    const { interpreter, calls, names } = setup([
      { id: 'call', type: 'call_workflow', workflowId: child, input: { n: '{{trigger.n}}' } },
      { id: 'go', type: 'call_workflow', workflowId: child, wait: false },
    ]);
    const summary = await interpreter.execute();
    expect(names()).toEqual(['beginRun', 'recordSteps', 'callWorkflow', 'recordSteps', 'callWorkflow', 'finishRun']);
    expect(rowsOf(calls[1]!.arg)).toEqual([['call', 'running', 0, 'actions[0]']]);
    expect(calls[2]!.arg).toMatchObject({ targetWorkflowId: child, input: { n: 5 }, wait: true, step: { actionId: 'call', seq: 0 } });
    expect(summary.steps.call).toEqual({ status: 'completed', output: { executionId: 'child-1', status: 'completed', output: { a: 42 } } });
    expect(summary.steps.go).toEqual({ status: 'completed', output: { executionId: 'child-1', status: 'started', output: null } });

    const failing = setup([{ id: 'call', type: 'call_workflow', workflowId: child }], {
      commands: {
        callWorkflow: async () => ({
          executionId: 'c2',
          workflowName: 'Child',
          summary: { executionId: 'c2', status: 'failed', error: 'step "x" failed: boom', steps: {} },
        }),
      },
    });
    const failed = await failing.interpreter.execute();
    expect(failed.status).toBe('failed');
    expect(failed.steps.call?.error).toBe('the called workflow "Child" failed: step "x" failed: boom');
    const refused = setup([{ id: 'call', type: 'call_workflow', workflowId: child }], {
      commands: {
        callWorkflow: async () => {
          throw new CallFailed('stopped by the loop guard');
        },
      },
    });
    expect((await refused.interpreter.execute()).steps.call?.error).toBe('stopped by the loop guard');
  });

  it('on cancel, marks the current step cancelled and the rest skipped', async () => {
    const { interpreter, calls } = setup(
      [
        { id: 'first', type: 'create_record', object: 'deal', data: {} },
        { id: 'slow', type: 'send_webhook', url: 'https://example.com' },
        { id: 'never', type: 'create_record', object: 'deal', data: {} },
      ],
      {
        commands: {
          runStep: async (call: StepCall) => {
            if (call.step.actionId === 'slow') throw new Cancelled();
            return { output: 1, attempts: 1, startedAt: 's', completedAt: 'c' };
          },
        },
      },
    );
    await expect(interpreter.execute()).rejects.toBeInstanceOf(Cancelled);
    await interpreter.recordCancel();
    const finish = calls.at(-1)!;
    expect(finish.name).toBe('finishRun');
    expect(finish.arg).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    expect(rowsOf((finish.arg as { flush: unknown }).flush)).toEqual([
      ['slow', 'cancelled', 1, 'actions[1]'],
      ['never', 'skipped', 2, 'actions[2]'],
    ]);
    // The begin rode with the first call, which succeeded: no separate begin.
    expect(calls.some((c) => c.name === 'beginRun')).toBe(false);
    expect(interpreter.progress().status).toBe('cancelled');
  });

  it('a segment step failing transiently goes on through its retry policy; a final failure fails at once with one attempt', async () => {
    const { interpreter, calls, names } = setup(
      [
        { id: 'shaky', type: 'create_record', object: 'deal', data: {} },
        { id: 'calm', type: 'run_script', code: 'return 1' },
        { id: 'broken', type: 'run_script', code: 'throw 1', onFailure: 'continue' },
        { id: 'tail', type: 'run_script', code: 'return 2' },
      ],
      {
        commands: {
          runSegment: async (call: SegmentCall) => {
            // Completes items up to the first of shaky / broken, which fails (shaky transiently).
            const k = call.items.findIndex((i) => i.meta.actionId === 'shaky' || i.meta.actionId === 'broken');
            const done = call.items.slice(0, k).map((i) => ({ actionId: i.meta.actionId, output: 1, startedAt: 's', completedAt: 'c' }));
            const bad = call.items[k]!.meta.actionId;
            return { done, failed: { actionId: bad, message: `${bad} failed`, retryable: bad === 'shaky', startedAt: 's', input: { seen: true } } };
          },
        },
      },
    );
    const summary = await interpreter.execute();
    expect(names()).toEqual(['runSegment', 'runStep', 'runSegment', 'runStep']);
    expect(calls[1]!.extra).toEqual(['local', 3, 30_000]);
    expect((calls[1]!.arg as StepCall).step).toMatchObject({ actionId: 'shaky', seq: 0 });
    expect((calls[2]!.arg as SegmentCall).items.map((i) => [i.meta.actionId, i.meta.seq])).toEqual([
      ['calm', 1],
      ['broken', 2],
      ['tail', 3],
    ]);
    // run_script is not retried by default: its failure in the segment is final (one attempt), recorded with the next call.
    const tail = calls[3]!.arg as StepCall;
    expect(tail.step).toMatchObject({ actionId: 'tail', seq: 3 });
    expect(rowsOf(tail.flush)).toEqual([['broken', 'failed', 2, 'actions[2]']]);
    expect(tail.flush[0]).toMatchObject({ attempts: 1, input: { seen: true }, output: { error: 'broken failed' } });
    expect(tail.finish).toBeDefined();
    expect(summary.status).toBe('completed');
  });
});

describe('reuse and continue-as-new', () => {
  it("reuses the completed steps of a retried run (rows marked reusedFrom), following a reused condition's branch", async () => {
    const from = '00000000-0000-4000-8000-0000000000f1';
    const { interpreter, calls, names } = setup(
      [
        { id: 'a', type: 'create_record', object: 'deal', data: {} },
        {
          id: 'gate',
          type: 'condition',
          if: { all: [{ left: 1, op: 'eq', right: 2 }] },
          then: [{ id: 't', type: 'run_script', code: 'return 1' }],
          else: [{ id: 'e', type: 'run_script', code: 'return 2' }],
        },
        { id: 'b', type: 'run_script', code: 'return 3' },
        { id: 'c', type: 'run_script', code: 'return 4' },
      ],
      {
        input: {
          resume: {
            fromExecutionId: from,
            steps: {
              a: { status: 'completed', output: 'old-a' },
              gate: { status: 'completed', output: { branch: 'then' } },
              t: { status: 'failed', error: 'x' },
            },
          },
        },
      },
    );
    await interpreter.execute();
    // `t` failed before, so it runs again; b and c form a segment.
    expect(names()).toEqual(['runStep', 'runSegment']);
    const t = calls[0]!.arg as StepCall;
    expect(t.step).toMatchObject({ actionId: 't', seq: 2, path: 'actions[1].then[0]' });
    expect(rowsOf(t.flush)).toEqual([
      ['a', 'completed', 0, 'actions[0]'],
      ['gate', 'completed', 1, 'actions[1]'],
    ]);
    expect(t.flush[0]!.input).toEqual({ reusedFrom: from });
    expect(rowsOf((calls[1]!.arg as SegmentCall).finish!.skipped)).toEqual([['e', 'skipped', 5, 'actions[1].else[0]']]);
  });

  it('continues as new after stepsPerRun steps, carrying results and seq; the next run neither reruns nor rewrites them', async () => {
    const actions: WorkflowActionInput[] = [
      { id: 'a', type: 'run_script', code: 'return 1' },
      { id: 'b', type: 'run_script', code: 'return 2' },
      { id: 'c', type: 'run_script', code: 'return 3' },
    ];
    const first = setup(actions, { options: { stepsPerRun: 2 } });
    await expect(first.interpreter.execute()).rejects.toBeInstanceOf(ContinuedAsNew);
    expect(first.names()).toEqual(['runSegment', 'recordSteps', 'continueAsNew']);
    expect((first.calls[0]!.arg as SegmentCall).items).toHaveLength(2);
    const can = first.calls[2]!;
    const next = can.arg as RunInputArg;
    expect(next).toMatchObject({
      executionId: ids.executionId,
      resume: { fromExecutionId: ids.executionId, steps: { a: { status: 'completed' }, b: { status: 'completed' } } },
    });
    expect(can.extra).toEqual([{ stepsPerRun: 2, continued: { executionId: ids.executionId, seq: 2 } }]);

    const second = setup(actions, { input: next, options: can.extra![0] as RunOptions });
    const summary = await second.interpreter.execute();
    expect(second.names()).toEqual(['runStep']);
    const c = second.calls[0]!.arg as StepCall;
    expect(c.step).toMatchObject({ actionId: 'c', seq: 2 });
    // Continued: the execution exists (no begin) and reused steps are not written again.
    expect(c.begin).toBeUndefined();
    expect(c.flush).toEqual([]);
    expect(Object.keys(summary.steps)).toEqual(['a', 'b', 'c']);
  });

  it("continues as new once local steps' outputs pass 2 MB, in a loop or not; a remote step's result does not count", async () => {
    const big = 'x'.repeat(700 * 1024);
    const script = { type: 'run_script' as const, code: 'return 1' };
    const ping = { type: 'send_webhook' as const, method: 'GET' as const, url: 'https://example.com/' };
    const out = (id: string) => ({ output: `${big}${id}`, startedAt: 's', completedAt: 'c' });
    const commands: Partial<RunCommands> = {
      async runStep(call) {
        return { ...out(call.step.actionId), attempts: 1, ...(call.finish ? { finished: true } : {}) };
      },
      // As the worker's segment does past its byte budget: it returns after the first item.
      async runSegment(call) {
        return { done: [{ actionId: call.items[0]!.meta.actionId, ...out(call.items[0]!.meta.actionId) }] };
      },
    };
    const looped = setup([{ id: 'loop', type: 'for_each', items: [0, 1, 2, 3, 4], steps: [{ id: 's', ...script }] }], { commands });
    await expect(looped.interpreter.execute()).rejects.toBeInstanceOf(ContinuedAsNew);
    // Two 700 KB outputs fit; the third crosses 2 MB and the run continues before the fourth item.
    expect(looped.names().filter((n) => n !== 'recordSteps')).toEqual(['runSegment', 'runSegment', 'runSegment', 'continueAsNew']);

    // Top-level scripts, each a call of its own (a condition between them ends each segment).
    const cond = (i: number) => ({ id: `c${i}`, type: 'condition' as const, if: { all: [{ left: 1, op: 'eq' as const, right: 1 }] }, then: [], else: [] });
    const flat = setup(
      [0, 1, 2, 3].flatMap((i) => [cond(i), { id: `s${i}`, ...script }]),
      { commands },
    );
    await expect(flat.interpreter.execute()).rejects.toBeInstanceOf(ContinuedAsNew);
    expect(flat.names().filter((n) => n !== 'recordSteps')).toEqual(['runStep', 'runStep', 'runStep', 'continueAsNew']);

    // Remote results reach Temporal from the activity, not in the workflow task: no count.
    const remote = setup(
      ['a', 'b', 'c', 'd'].map((id) => ({ id, ...ping })),
      { commands },
    );
    await remote.interpreter.execute();
    expect(remote.names()).toEqual(['runStep', 'runStep', 'runStep', 'runStep']);

    // Past 2 MB in the run's last action (a loop): nothing is left to run, so the run ends instead of continuing.
    const last = setup(
      [0, 1]
        .flatMap((i) => [cond(i), { id: `s${i}`, ...script }])
        .concat([{ id: 'loop', type: 'for_each', items: [0], steps: [{ id: 'l', ...script }] }] as never),
      { commands },
    );
    await last.interpreter.execute();
    expect(last.names()).not.toContain('continueAsNew');
  });

  it('continues as new when Temporal says the history is full', async () => {
    const { interpreter, names } = setup(
      [
        { id: 'w', type: 'wait', duration: '1s' },
        { id: 'x', type: 'run_script', code: 'return 1' },
      ],
      { historyFull: true },
    );
    await expect(interpreter.execute()).rejects.toBeInstanceOf(ContinuedAsNew);
    expect(names()).toEqual(['beginRun', 'recordSteps', 'sleep', 'recordSteps', 'continueAsNew']);
  });

  it('a schedule fire creates its execution with the begin and builds its trigger', async () => {
    const { interpreter, calls } = setup([{ id: 'tick', type: 'create_record', object: 't', data: { tz: '{{trigger.timezone}}' } }], {
      input: {
        executionId: undefined,
        trigger: undefined,
        definition: {
          trigger: { type: 'schedule', cron: '* * * * *', timezone: 'Europe/Paris' },
          actions: [{ id: 'tick', type: 'create_record', object: 't', data: { tz: '{{trigger.timezone}}' } }],
        },
      },
    });
    await interpreter.execute();
    const call = calls[0]!.arg as StepCall;
    expect(call.begin!.createExecution).toMatchObject({ temporalWorkflowId: 'run-e1', trigger: { kind: 'schedule', timezone: 'Europe/Paris' } });
    expect(call.action).toMatchObject({ data: { tz: 'Europe/Paris' } });
  });

  it('a bug ends the run failed with its message, beginning it first', async () => {
    const { interpreter, calls, names } = setup([{ id: 'a', type: 'run_script', code: 'return 1' }]);
    const summary = await interpreter.stopUnexpectedly(new TypeError('x is undefined'));
    expect(summary).toMatchObject({ status: 'failed', error: 'the run stopped unexpectedly: x is undefined' });
    expect(names()).toEqual(['beginRun', 'finishRun']);
    expect(rowsOf((calls[1]!.arg as { flush: unknown }).flush)).toEqual([['a', 'skipped', 0, 'actions[0]']]);
  });
});

describe('wait_for_approval', () => {
  const approval = (onTimeout: 'approve' | 'reject' | 'fail'): WorkflowActionInput[] => [
    { id: 'ok', type: 'wait_for_approval', approvers: ['{{trigger.boss}}', 'admin'], message: 'Refund {{trigger.n}}?', timeout: '1h', onTimeout },
    {
      id: 'gate',
      type: 'condition',
      if: { all: [{ left: '{{steps.ok.output.decision}}', op: 'eq', right: 'approved' }] },
      then: [{ id: 'yes', type: 'create_record', object: 'refund', data: {} }],
      else: [],
    },
  ];
  const decided = { approvalId: 'ap1', decision: 'approved' as const, by: 'ann@example.com', at: '2026-01-01T00:00:00.000Z', comment: 'fine' };

  it('opens the approval with resolved fields after the running row, waits for the signal, and a condition reads the decision', async () => {
    const { interpreter, calls, names } = setup(approval('fail'), {
      input: { trigger: { kind: 'manual', n: 5, boss: 'ann@example.com' } },
      commands: { awaitDecision: async () => decided },
    });
    const summary = await interpreter.execute();
    expect(names().slice(0, 4)).toEqual(['beginRun', 'recordSteps', 'openApproval', 'awaitDecision']);
    expect(rowsOf(calls[1]!.arg)).toEqual([['ok', 'running', 0, 'actions[0]']]);
    expect(calls[2]!.arg).toMatchObject({ approvers: ['ann@example.com', 'admin'], message: 'Refund 5?', onTimeout: 'fail', temporalWorkflowId: 'run-e1' });
    expect(calls[3]!.extra).toEqual([3_600_000]);
    expect(names()).not.toContain('settleApproval');
    expect(summary.status).toBe('completed');
    expect(summary.steps.ok!.output).toEqual({ decision: 'approved', by: 'ann@example.com', at: decided.at, comment: 'fine', timedOut: false });
    expect(summary.steps.gate!.output).toMatchObject({ branch: 'then' });
  });

  it('on timeout asks the database once: a decision recorded but never signalled wins', async () => {
    const { interpreter, names } = setup(approval('reject'), { commands: { settleApproval: async () => decided } });
    const summary = await interpreter.execute();
    expect(names()).toContain('settleApproval');
    expect(summary.steps.ok!.output).toMatchObject({ decision: 'approved', by: 'ann@example.com', timedOut: false });
  });

  it.each([
    ['approve', 'completed', 'then'],
    ['reject', 'completed', 'else'],
  ] as const)('times out with onTimeout %s: decided by nobody, the run %s, the condition takes %s', async (onTimeout, status, branch) => {
    const { interpreter } = setup(approval(onTimeout));
    const summary = await interpreter.execute();
    expect(summary.status).toBe(status);
    expect(summary.steps.ok!.output).toMatchObject({ decision: onTimeout === 'approve' ? 'approved' : 'rejected', by: null, comment: null, timedOut: true });
    expect(summary.steps.gate!.output).toMatchObject({ branch });
  });

  it('times out with onTimeout fail: the step and run fail, saying how long it waited', async () => {
    const { interpreter } = setup(approval('fail'));
    const summary = await interpreter.execute();
    expect(summary.status).toBe('failed');
    expect(summary.steps.ok).toMatchObject({ status: 'failed', error: 'nobody approved or rejected within 1h' });
    expect(summary.steps.gate).toBeUndefined();
  });

  it('a failure to open the approval (no mail sent) fails the step with its message', async () => {
    const { interpreter } = setup(approval('approve'), {
      commands: {
        openApproval: async () => {
          throw new CallFailed('email not sent: connection refused');
        },
      },
    });
    const summary = await interpreter.execute();
    expect(summary.steps.ok).toMatchObject({ status: 'failed', error: 'email not sent: connection refused' });
  });
});
