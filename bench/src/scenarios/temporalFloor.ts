import { fileURLToPath } from 'node:url';
import { startTemporalDevServer } from '@conduit/local/testing';
import { activationTimeoutMs } from '@conduit/worker/activation-timeout';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { within } from '../bounded';
import { cpuSnapshot, type CpuTarget } from '../cpu';
import type { Row } from '../report/model';
import type { Ctx } from './context';
import type { FloorActivities } from './temporal-floor.workflow';

export const FLOOR = '2b. The floor under every run: Temporal alone, without Conduit';

const TASK_QUEUE = 'bench-floor';
/** How long one run may take to reach its activity, or to close, before the scenario gives up. */
const RUN_TIMEOUT_MS = 30_000;

/**
 * What Temporal itself costs per run on this machine, measured in the same run as scenario 2: a
 * closed loop of workflows shaped like Conduit's run of light steps (eager start, one local
 * activity, a fairness key spread over four workspaces, the dev server as the stack starts it), with nothing of
 * Conduit in them: no HTTP, no database, no step. A client counts a run done when its activity ran
 * (Conduit's run row is completed inside that activity too). Its CPU per run is a floor under
 * Conduit's: no change to Conduit's own code can take a run below it while each run is its own
 * workflow (docs/bench.md: what the floors left open would take).
 */
export async function runTemporalFloor(ctx: Ctx): Promise<string[]> {
  const { concurrencies, warmupSec, durationSec } = ctx.profile.e2e;
  const concurrency = concurrencies[concurrencies.length - 1]!;
  let server: Awaited<ReturnType<typeof startTemporalDevServer>> | undefined;
  let connection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    // Inside the try: a dev server that fails to start fails this scenario, not the ones after it.
    server = await startTemporalDevServer();
    connection = await NativeConnection.connect({ address: server.address });
    const reached = new Map<string, () => void>();
    const activities: FloorActivities = {
      async step(arg) {
        reached.get(arg.key)?.();
        return arg;
      },
    };
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./temporal-floor.workflow.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    worker = await Worker.create({
      connection,
      taskQueue: TASK_QUEUE,
      workflowBundle,
      activities,
      // Conduit's worker default: no watchdog thread per call into a workflow (worker/src/activation-timeout.ts).
      ...activationTimeoutMs(0).option,
    });
    running = worker.run();
    const client = new Client({ connection });

    let seq = 0;
    /** Clients starting runs back to back until `until`; each waits for its run's activity. */
    const loop = async (tag: string, until: number) => {
      let done = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (Date.now() < until) {
            const key = `${tag}-${seq++}`;
            const ran = new Promise<void>((resolve) => reached.set(key, resolve));
            await client.workflow.start('floorRun', {
              taskQueue: TASK_QUEUE,
              workflowId: key,
              args: [{ key }],
              requestEagerStart: true,
              priority: { priorityKey: 3, fairnessKey: `ws-${seq % 4}` },
            });
            await within(`run ${key} reaching its activity`, ran, RUN_TIMEOUT_MS);
            reached.delete(key);
            done++;
          }
        }),
      );
      return { done, lastKey: `${tag}-${seq - 1}` };
    };

    ctx.log(`2b. Temporal alone, concurrency ${concurrency}`);
    const warm = await loop('warm', Date.now() + warmupSec * 1_000);
    await within('the last warm-up run closing', client.workflow.getHandle(warm.lastKey).result(), RUN_TIMEOUT_MS);
    const targets: Record<string, CpuTarget> = {
      'Temporal server': { roots: [server.process.child.pid], tree: true },
      'client and worker (one Node process)': { roots: [process.pid], tree: false },
    };
    const before = cpuSnapshot(targets);
    const t0 = performance.now();
    const measured = await loop('run', Date.now() + 2 * durationSec * 1_000);
    const seconds = (performance.now() - t0) / 1_000;
    // The last workflows close just after their activity: their closing belongs to the window.
    await within('the last measured run closing', client.workflow.getHandle(measured.lastKey).result(), RUN_TIMEOUT_MS);
    const after = cpuSnapshot(targets);
    const figures: Record<string, number> = {};
    for (const name of Object.keys(targets)) figures[`cpu:${name}`] = (after[name]! - before[name]!) / measured.done;
    const row: Row = {
      scenario: FLOOR,
      variant: `one local activity per workflow, eager start, concurrency ${concurrency}`,
      target: 'conduit',
      metric: { unit: 'runs/s', higherIsBetter: true, values: [measured.done / seconds] },
      runs: 1,
      errors: 0,
      note: `${measured.done} runs in ${seconds.toFixed(1)} s; no HTTP, database or step`,
      figures,
    };
    ctx.rows.push(row);
    return [];
  } catch (e) {
    return [`2b. Temporal alone: ${(e as Error).message}`];
  } finally {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => {});
    await connection?.close().catch(() => {});
    await server?.stop();
  }
}
