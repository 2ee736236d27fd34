import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { temporalPayloads } from '@conduit/core/testing';
import { OFFLOAD_MIN_BYTES, OFFLOADED_ENCODING } from '@conduit/core/temporal-codec';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ db: 'pg' });
});
afterAll(async () => {
  await h?.close();
});

/** `n` script steps at the top of the run, each returning about 200 KB (a script may return up to 256 KB). */
const bigSteps = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `s${i}`, type: 'run_script', code: `return 'x'.repeat(200000) + '${i}'` }));

/** The largest payload in any event of each of the workflow's Temporal runs, and how many refer to the database. */
async function payloadSizes(handle: WorkflowHandle, runIds: string[]) {
  let largest = 0;
  let stored = 0;
  for (const runId of runIds) {
    const { events } = await h.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    // Every payload of the event, wherever it sits (markers, results, continue-as-new input). The
    // history comes as protobuf JSON: a payload's metadata and data are base64.
    const bytes = (x: unknown) => (typeof x === 'string' ? Buffer.from(x, 'base64') : Buffer.from((x as Uint8Array | undefined) ?? []));
    const walk = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      const p = v as { metadata?: Record<string, unknown>; data?: unknown };
      if (p.metadata?.encoding) {
        largest = Math.max(largest, bytes(p.data).length);
        if (bytes(p.metadata.encoding).toString() === OFFLOADED_ENCODING) stored++;
        return;
      }
      for (const x of Object.values(v)) walk(x);
    };
    for (const e of events ?? []) walk(e);
  }
  return { largest, stored };
}

/** The Temporal runs of one workflow id, first to last (continue-as-new starts a new one). */
async function runIdsOf(handle: WorkflowHandle): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of h.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) ids.push(w.runId);
  return ids.reverse();
}

describe('runs whose steps return megabytes', () => {
  it('completes a run of 25 steps of 200 KB each, Temporal holding only keys of the large payloads', async () => {
    // 5 MB of results: before, the run's result (every step's output) was refused by Temporal
    // (over 2 MB), the workflow task failed again and again, and the run never ended.
    const r = await h.startRun(bigSteps(25) as never);
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    expect((result.steps.s24!.output as string).endsWith('x24')).toBe(true);
    const rows = await h.steps(r.executionId);
    expect((rows.s0!.output as string).length).toBe(200_001);
    const sizes = await payloadSizes(r.handle, [(r.handle as unknown as { firstExecutionRunId: string }).firstExecutionRunId]);
    expect(sizes.stored).toBeGreaterThan(0);
    expect(sizes.largest).toBeLessThan(OFFLOAD_MIN_BYTES);
    expect((await h.db.select({ key: temporalPayloads.key }).from(temporalPayloads)).length).toBeGreaterThan(0);
  });

  it('continues as new carrying megabytes of earlier results, which later steps still read', async () => {
    // A new Temporal run every 10 steps: the second carries 2 MB of results, the third 4 MB.
    const steps = [...bigSteps(25), { id: 'sum', type: 'run_script', code: 'return input.steps.s0.output.length + input.steps.s19.output.length' }];
    const r = await h.startRun(steps as never, {}, { stepsPerRun: 10 });
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    expect(result.steps.sum!.output).toBe(400_003);
    const runIds = await runIdsOf(r.handle);
    expect(runIds.length).toBeGreaterThanOrEqual(3);
    const sizes = await payloadSizes(r.handle, runIds);
    expect(sizes.stored).toBeGreaterThan(0);
    expect(sizes.largest).toBeLessThan(OFFLOAD_MIN_BYTES);
  });

  it('keeps one workflow task under 4 MB when many steps each return less than what is stored apart', async () => {
    // 45 scripts of 100 KB, each its own call (a condition between them ends each segment): every
    // result stays in Temporal, and all would be in one task's completion (4.5 MB, over gRPC's 4 MB).
    const steps = Array.from({ length: 45 }, (_, i) => [
      { id: `c${i}`, type: 'condition', if: { all: [{ left: i, op: 'gt', right: -1 }] }, then: [], else: [] },
      { id: `s${i}`, type: 'run_script', code: `return 'x'.repeat(100000) + '${i}'` },
    ]).flat();
    const r = await h.startRun([
      ...steps,
      { id: 'sum', type: 'run_script', code: 'return input.steps.s0.output.length + input.steps.s44.output.length' },
    ] as never);
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    expect(result.steps.sum!.output).toBe(200_003);
  });

  it("hands a called workflow's megabytes of results to the run that waited for it", async () => {
    const child = await h.createCallable(bigSteps(12) as never);
    const r = await h.startRun([
      { id: 'call', type: 'call_workflow', workflowId: child.id },
      { id: 'after', type: 'run_script', code: 'return input.steps.call.output.output.s11.length' },
    ] as never);
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    expect(result.steps.after!.output).toBe(200_002);
  });
  it('starts a retry whose reused outputs add up to megabytes, and its next step reads them', async () => {
    // What the monitor's retry sends: the outputs of the steps that completed, here 12 × 200 KB, in
    // the new run's start input. Temporal would refuse 2.4 MB in one payload; the client stores it.
    const reused = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i}`, { status: 'completed' as const, output: `${'r'.repeat(200_000)}${i}` }]));
    const actions = [...bigSteps(12), { id: 'tail', type: 'run_script', code: 'return input.steps.s0.output.length + input.steps.s11.output.length' }];
    const r = await h.startRun(actions as never, { resume: { fromExecutionId: crypto.randomUUID(), steps: reused } });
    const result = await r.handle.result();
    expect([result.status, result.error]).toEqual(['completed', null]);
    // The reused outputs, not new ones (a new s0 would end in "x0"), reached the step after them.
    expect((await h.steps(r.executionId)).tail!.output).toBe(200_001 + 200_002);
    const firstRun = (r.handle as unknown as { firstExecutionRunId: string }).firstExecutionRunId;
    const sizes = await payloadSizes(r.handle, [firstRun]);
    expect(sizes.largest).toBeLessThan(OFFLOAD_MIN_BYTES);
    expect(sizes.stored).toBeGreaterThan(0);
  });
});
