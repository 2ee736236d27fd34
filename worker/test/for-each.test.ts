import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { records, and, eq } from '@conduit/core/testing';
import { listStepRows } from '@conduit/core/domain';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ db: 'pg', env: { HTTP_ALLOWLIST: '127.0.0.1' } });
});
afterAll(async () => {
  await h?.close();
});

const recordsOf = async (object: string) =>
  h.db
    .select()
    .from(records)
    .where(and(eq(records.workspaceId, h.workspaceId), eq(records.object, object)));

/** Every row of the run, by row path (a step inside a loop has one row per iteration). */
const rows = async (executionId: string) => Object.fromEntries((await listStepRows(h.db, { workspaceId: h.workspaceId, executionId })).map((r) => [r.path, r]));

async function until(fn: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}

describe('for_each on the real stack', () => {
  it('runs each item through its steps, with a condition and a nested loop inside, one row per iteration', async () => {
    const r = await h.startRun(
      [
        {
          id: 'loop',
          type: 'for_each',
          items: '{{trigger.deals}}',
          steps: [
            {
              id: 'check',
              type: 'condition',
              if: { all: [{ left: '{{item.amount}}', op: 'gt', right: 10 }] },
              then: [{ id: 'big', type: 'create_record', object: 'loop_big', data: { name: '{{item.name | upper}}', i: '{{index}}' } }],
              else: [],
            },
            {
              id: 'inner',
              type: 'for_each',
              items: '{{item.tags}}',
              steps: [{ id: 'tag', type: 'run_script', code: 'return input.item + "@" + input.index' }],
            },
            {
              id: 'sum',
              type: 'run_script',
              code: 'return { deal: input.item.name, inner: input.steps.inner.output, big: input.steps.big ? input.steps.big.output.record.name : null }',
            },
          ],
        },
        { id: 'after', type: 'run_script', code: 'return input.steps.loop.output.count' },
      ],
      {
        trigger: {
          kind: 'manual',
          deals: [
            { name: 'a', amount: 5, tags: ['x', 'y'] },
            { name: 'b', amount: 50, tags: ['z'] },
          ],
        },
      },
    );
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    const s = await rows(r.executionId);
    expect(s.actions_0_missing).toBeUndefined();
    expect(s['actions[0]']).toMatchObject({
      status: 'completed',
      output: {
        count: 2,
        results: [
          { deal: 'a', inner: { count: 2, results: ['x@0', 'y@1'] }, big: null },
          { deal: 'b', inner: { count: 1, results: ['z@0'] }, big: 'B' },
        ],
      },
    });
    expect(s['actions[0]#0.steps[1]#1.steps[0]']).toMatchObject({ actionId: 'tag', status: 'completed', output: 'y@1' });
    expect(s['actions[0]#1.steps[0]']).toMatchObject({ actionId: 'check', output: { branch: 'then' } });
    expect(s['actions[0]#0.steps[0]']).toMatchObject({ actionId: 'check', output: { branch: 'else' } });
    // The branch not taken in iteration 0 leaves no row of its own; steps inside a loop that ran never get a bare skipped row.
    expect(Object.keys(s).filter((p) => !p.includes('#'))).toEqual(['actions[0]', 'actions[1]']);
    expect(s['actions[1]']!.output).toBe(2);
    const big = await recordsOf('loop_big');
    expect(big.map((x) => x.data)).toEqual([{ name: 'B', i: 1 }]);
    // Rows are in the order the steps ran.
    const order = (await listStepRows(h.db, { workspaceId: h.workspaceId, executionId: r.executionId })).map((x) => x.path);
    expect(order.indexOf('actions[0]#0.steps[2]')).toBeLessThan(order.indexOf('actions[0]#1.steps[0]'));
  });

  it('runs iterations side by side with concurrency, keeping results in item order', async () => {
    const r = await h.startRun([
      {
        id: 'loop',
        type: 'for_each',
        items: [1, 2, 3, 4, 5, 6, 7],
        concurrency: 3,
        steps: [{ id: 'sq', type: 'run_script', code: 'return input.item * input.item' }],
      },
    ]);
    expect((await r.handle.result()).status).toBe('completed');
    const s = await rows(r.executionId);
    expect(s['actions[0]']!.output).toEqual({ count: 7, results: [1, 4, 9, 16, 25, 36, 49] });
  });

  it('fails the step naming what `items` was when it is not a list', async () => {
    const r = await h.startRun([{ id: 'loop', type: 'for_each', items: '{{trigger.name}}', steps: [{ id: 'x', type: 'run_script', code: 'return 1' }] }], {
      trigger: { kind: 'manual', name: 'Ada' },
    });
    expect((await r.handle.result()).status).toBe('failed');
    const s = await rows(r.executionId);
    expect(s['actions[0]']).toMatchObject({ status: 'failed', error: '"Items" resolved to the text "Ada", not a list' });
    expect(s['actions[0].steps[0]']!.status).toBe('skipped');
    expect((await h.execution(r.executionId))!.error).toBe('step "loop" failed: "Items" resolved to the text "Ada", not a list');
  });

  it('refuses a list longer than maxItems (10,001 items) before running any of them', async () => {
    const r = await h.startRun(
      [
        {
          id: 'loop',
          type: 'for_each',
          items: '{{trigger.list}}',
          maxItems: 10_000,
          steps: [{ id: 'x', type: 'create_record', object: 'never_10001', data: {} }],
        },
      ],
      { trigger: { kind: 'manual', list: Array.from({ length: 10_001 }, (_, i) => i) } },
    );
    expect((await r.handle.result()).status).toBe('failed');
    const s = await rows(r.executionId);
    expect(s['actions[0]']).toMatchObject({ status: 'failed', error: '"Items" has 10,001 items; this loop runs at most 10,000 (its "Max items")' });
    expect(await recordsOf('never_10001')).toHaveLength(0);
  });

  it('a failing step stops the loop and the run, naming the item', async () => {
    const r = await h.startRun([
      {
        id: 'loop',
        type: 'for_each',
        items: [1, 2, 3],
        steps: [{ id: 'boom', type: 'run_script', code: 'if (input.item === 2) throw new Error("two is bad"); return input.item' }],
      },
    ]);
    expect((await r.handle.result()).status).toBe('failed');
    const s = await rows(r.executionId);
    expect(s['actions[0]']!.status).toBe('failed');
    expect(s['actions[0]']!.error).toMatch(/^item 2 of 3: step "boom" failed: .*two is bad/);
    expect(s['actions[0]#0.steps[0]']!.status).toBe('completed');
    expect(s['actions[0]#1.steps[0]']!.status).toBe('failed');
    expect(s['actions[0]#2.steps[0]']).toBeUndefined();
  });

  it('runs an all-local loop many items per round trip; a step failing mid-batch resumes its item without re-running the rest of it', async () => {
    const r = await h.startRun([
      {
        id: 'loop',
        type: 'for_each',
        items: [0, 1, 2, 3, 4, 5],
        steps: [
          { id: 'mk', type: 'create_record', object: 'batch_mk', data: { i: '{{item}}' } },
          {
            id: 'chk',
            type: 'run_script',
            onFailure: 'continue',
            code: 'if (input.item === 3) throw new Error("three"); return input.steps.mk.output.record.i * 10',
          },
        ],
      },
    ]);
    expect((await r.handle.result()).status).toBe('completed');
    const made = await recordsOf('batch_mk');
    expect(made.map((x) => (x.data as { i: number }).i).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const s = await rows(r.executionId);
    const out = s['actions[0]']!.output as { count: number; results: unknown[] };
    expect(out.count).toBe(6);
    expect(out.results[2]).toBe(20);
    expect(out.results[3]).toMatchObject({ error: expect.stringContaining('three') });
    expect(out.results[5]).toBe(50);
    expect(s['actions[0]#3.steps[1]']).toMatchObject({ status: 'failed' });
    expect(Object.keys(s).filter((p) => p.includes('#'))).toHaveLength(12);
    const all = await listStepRows(h.db, { workspaceId: h.workspaceId, executionId: r.executionId });
    expect(new Set(all.map((x) => x.seq)).size).toBe(all.length);
  });

  it('cancel stops the loop between items: the loop row says how far it got, no item starts after', async () => {
    const r = await h.startRun([
      { id: 'loop', type: 'for_each', items: Array.from({ length: 40 }, (_, i) => i), steps: [{ id: 'nap', type: 'wait', duration: '300ms' }] },
      { id: 'never', type: 'create_record', object: 'cancel_loop_never', data: {} },
    ]);
    await until(async () => Object.keys(await rows(r.executionId)).some((p) => p.startsWith('actions[0]#2.')));
    await r.handle.cancel();
    await expect(r.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const s = await rows(r.executionId);
    expect((await h.execution(r.executionId))!.status).toBe('cancelled');
    expect(s['actions[0]']).toMatchObject({ status: 'cancelled' });
    const iterations = Object.keys(s).filter((p) => p.includes('#'));
    expect(iterations.length).toBeLessThan(10);
    expect(
      Object.values(s)
        .filter((x) => x.status === 'cancelled')
        .map((x) => x.actionId),
    ).toEqual(expect.arrayContaining(['loop', 'nap']));
    expect(s['actions[1]']!.status).toBe('skipped');
    await new Promise((res) => setTimeout(res, 800));
    expect(Object.keys(await rows(r.executionId)).filter((p) => p.includes('#'))).toHaveLength(iterations.length);
    expect(await recordsOf('cancel_loop_never')).toHaveLength(0);
  });

  it('continues as new inside a loop (and a nested one), never running an item twice', async () => {
    const actions = [
      { id: 'first', type: 'create_record' as const, object: 'can_loop_first', data: {} },
      {
        id: 'outer',
        type: 'for_each' as const,
        items: [0, 1, 2],
        steps: [
          { id: 'pre', type: 'create_record' as const, object: 'can_loop_pre', data: { o: '{{item}}' } },
          {
            id: 'inner',
            type: 'for_each' as const,
            items: [0, 1, 2, 3],
            steps: [{ id: 'mk', type: 'create_record' as const, object: 'can_loop', data: { i: '{{index}}' } }],
          },
          { id: 'tally', type: 'run_script' as const, code: 'return input.steps.pre.output.record.o * 10 + input.steps.inner.output.count' },
        ],
      },
    ];
    const r = await h.startRun(actions, {}, { stepsPerRun: 3 });
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    const desc = await r.handle.describe();
    expect(desc.runId).not.toBe((r.handle as unknown as { firstExecutionRunId: string }).firstExecutionRunId);
    expect(await recordsOf('can_loop_first')).toHaveLength(1);
    expect(await recordsOf('can_loop_pre')).toHaveLength(3);
    expect(await recordsOf('can_loop')).toHaveLength(12);
    const s = await rows(r.executionId);
    expect(s['actions[1]']!.output).toEqual({ count: 3, results: [4, 14, 24] });
    // Every row once, each with its own place in the order.
    const all = await listStepRows(h.db, { workspaceId: h.workspaceId, executionId: r.executionId });
    expect(all).toHaveLength(2 + 3 * (1 + 1 + 4 + 1));
    expect(new Set(all.map((x) => x.seq)).size).toBe(all.length);
  });
});

describe('a worker killed mid-loop', () => {
  let server: Server;
  const hits: { index: number; key: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const index = Number(new URL(req.url!, 'http://x').searchParams.get('i'));
      hits.push({ index, key: String(req.headers['idempotency-key']) });
      // Slow enough that the kill lands while the loop is under way.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 120);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('resumes at the next unfinished item and never sends a finished one again', async () => {
    const child = await h.workerProcess();
    const port = (server.address() as { port: number }).port;
    const r = await h.startRun([
      {
        id: 'loop',
        type: 'for_each',
        items: Array.from({ length: 30 }, (_, i) => i),
        steps: [{ id: 'ping', type: 'send_webhook', method: 'GET', url: `http://127.0.0.1:${port}/hit?i={{index}}` }],
      },
    ]);
    await until(async () => hits.length >= 8, 60_000);
    await child.kill();
    const atKill = hits.length;
    await h.startWorker();
    expect((await r.handle.result()).status).toBe('completed');
    // Every item reached the server; at most the one in flight when the worker died went twice, with the same key.
    const byIndex = new Map<number, string[]>();
    for (const x of hits) byIndex.set(x.index, [...(byIndex.get(x.index) ?? []), x.key]);
    expect([...byIndex.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const twice = [...byIndex].filter(([, keys]) => keys.length > 1);
    expect(twice.length).toBeLessThanOrEqual(1);
    for (const [index, keys] of twice) {
      expect(index).toBe(hits[atKill - 1]!.index);
      expect(new Set(keys).size).toBe(1);
    }
    expect(hits.length).toBeLessThanOrEqual(31);
    const s = await rows(r.executionId);
    expect(s['actions[0]']).toMatchObject({ status: 'completed', output: { count: 30 } });
    expect(Object.keys(s).filter((p) => p.includes('#'))).toHaveLength(30);
  });
});

describe('a long loop', () => {
  it('runs 10,000 items to the end, continuing as new along the way, each item once', { timeout: 20 * 60_000 }, async () => {
    const t = Date.now();
    const r = await h.startRun(
      [
        {
          id: 'loop',
          type: 'for_each',
          items: '{{trigger.ids}}',
          maxItems: 10_000,
          steps: [{ id: 'mk', type: 'create_record', object: 'ten_k', data: { i: '{{item}}' } }],
        },
      ],
      { trigger: { kind: 'manual', ids: Array.from({ length: 10_000 }, (_, i) => i) } },
    );
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    const seconds = (Date.now() - t) / 1000;
    console.log(`10,000-item loop: ${seconds.toFixed(1)} s`);
    const made = await recordsOf('ten_k');
    expect(made).toHaveLength(10_000);
    expect(new Set(made.map((x) => (x.data as { i: number }).i)).size).toBe(10_000);
    const s = await rows(r.executionId);
    const loop = s['actions[0]']!.output as { count: number; results: unknown[]; truncated?: { kept: number; total: number } };
    expect(loop.count).toBe(10_000);
    expect(loop.truncated).toMatchObject({ total: 10_000 });
    expect(loop.results).toHaveLength(loop.truncated!.kept);
    // The history stayed far below Temporal's limits: the run continued as new many times.
    const desc = await r.handle.describe();
    expect(desc.historyLength).toBeLessThan(10_000);
    expect(desc.runId).not.toBe((r.handle as unknown as { firstExecutionRunId: string }).firstExecutionRunId);
  });

  it("keeps each batch of large outputs under Temporal's payload limit, and continues as new by bytes", async () => {
    // 50 × 100 KB: one batch would be a 5 MB marker (Temporal refuses a payload over 2 MB and a task's message over 4 MB), and the
    // run's results pass the bytes that make it continue as new long before its step budget.
    const r = await h.startRun([
      {
        id: 'loop',
        type: 'for_each',
        items: Array.from({ length: 50 }, (_, i) => i),
        steps: [{ id: 'big', type: 'run_script', code: "return 'x'.repeat(100000) + input.index" }],
      },
    ]);
    const firstRunId = (r.handle as unknown as { firstExecutionRunId: string }).firstExecutionRunId;
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    const s = await rows(r.executionId);
    expect(s['actions[0]']!.output).toMatchObject({ count: 50 });
    expect((s['actions[0]#49.steps[0]']!.output as string).endsWith('x49')).toBe(true);
    expect((await r.handle.describe()).runId).not.toBe(firstRunId);
    // The first run's batches: several, each one marker well under the limit.
    const { events } = await h.client.workflow.getHandle(r.handle.workflowId, firstRunId).fetchHistory();
    const markerBytes = (events ?? [])
      .filter((e) => e.markerRecordedEventAttributes)
      .map((e) =>
        Object.values(e.markerRecordedEventAttributes!.details ?? {}).reduce(
          (n, p) => n + (p.payloads ?? []).reduce((m, x) => m + (x.data?.length ?? 0), 0),
          0,
        ),
      );
    expect(markerBytes.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...markerBytes)).toBeLessThan(1024 * 1024);
  });
});
