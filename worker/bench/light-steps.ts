import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '@conduit/core/config';
import { companies, workflows, workspaces, type Db } from '@conduit/core/testing';
import type { WorkflowActionInput } from '@conduit/core/definition';
import { createExecution, createRecord } from '@conduit/core/domain';
import { RUN_WORKFLOW, RunInputSchema, runWorkflowId } from '@conduit/core/temporal';
import { createWorker } from '../src';

export type LightStepsOptions = {
  temporalAddress: string;
  db: Db;
  /** Sequential steps per run (default 40). */
  steps?: number;
  /** Measured runs after one warm-up run (default 10). */
  runs?: number;
  kind?: 'update_record' | 'run_script';
};
export type LightStepsResult = {
  kind: string;
  steps: number;
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  perStepMs: number;
  samplesMs: number[];
};

/**
 * End to end: from client.workflow.start to the result, for a run of N sequential light steps,
 * with the worker in this process (as the local launcher runs it).
 */
export async function benchLightSteps(opts: LightStepsOptions): Promise<LightStepsResult> {
  const n = opts.steps ?? 40;
  const runs = opts.runs ?? 10;
  const kind = opts.kind ?? 'update_record';
  const { db } = opts;
  const [ws] = await db
    .insert(workspaces)
    .values({ name: 'Bench', slug: `bench-${randomUUID().slice(0, 8)}` })
    .returning();
  const [co] = await db.insert(companies).values({ workspaceId: ws!.id, name: 'Bench' }).returning();
  const { record } = await createRecord(db, { workspaceId: ws!.id, object: 'deal', data: { n: 0 } });
  const actions: WorkflowActionInput[] = Array.from({ length: n }, (_, i) =>
    kind === 'update_record'
      ? { id: `s${i}`, type: 'update_record', object: 'deal', recordId: record.id, data: { n: i } }
      : { id: `s${i}`, type: 'run_script', code: `return ${i}` },
  );
  const [wf] = await db
    .insert(workflows)
    .values({
      name: 'bench',
      workspaceId: ws!.id,
      companyId: co!.id,
      trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false },
      actions: actions as never,
    })
    .returning();

  const taskQueue = `bench-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: opts.temporalAddress });
  const clientConn = await Connection.connect({ address: opts.temporalAddress });
  const client = new Client({ connection: clientConn });
  const quiet = { info() {}, warn() {}, error() {} };
  const w = await createWorker({ connection, db, queue: { publish: async () => undefined }, config: loadConfig({}), taskQueue, logger: quiet });
  const running = w.run();
  const samples: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const { execution } = await createExecution(db, { workspaceId: ws!.id, workflowId: wf!.id, versionId: null, eventId: null, input: {} });
      const t = performance.now();
      const handle = await client.workflow.start(RUN_WORKFLOW, {
        taskQueue,
        workflowId: runWorkflowId(execution.id),
        // Validated as the run starter does (inside the timed span, since a starter pays for it too).
        args: [
          RunInputSchema.parse({
            executionId: execution.id,
            workspaceId: ws!.id,
            workflowId: wf!.id,
            versionId: null,
            definition: { trigger: { type: 'webhook' }, actions },
            trigger: { kind: 'manual' },
          }),
        ],
      });
      const res = (await handle.result()) as { status: string; error: string | null };
      const ms = performance.now() - t;
      if (res.status !== 'completed') throw new Error(`bench run ${res.status}: ${res.error}`);
      if (i > 0) samples.push(ms); // the first run warms the workflow cache and the database
    }
  } finally {
    await w.shutdown();
    await running;
    await clientConn.close();
    await connection.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const median = pick(0.5);
  const r2 = (x: number) => Math.round(x * 10) / 10;
  return {
    kind,
    steps: n,
    runs,
    medianMs: r2(median),
    p95Ms: r2(pick(0.95)),
    minMs: r2(sorted[0]!),
    perStepMs: Math.round((median / n) * 100) / 100,
    samplesMs: samples.map(r2),
  };
}

/** `npx tsx worker/bench/light-steps.ts`: starts its own dev server and an in-memory PGlite (or DATABASE_URL). */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { startTemporalDevServer } = await import('@conduit/local/testing');
  const { createDb } = await import('@conduit/core/db');
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    /* installed */
  }
  const server = process.env.TEMPORAL_ADDRESS ? null : await startTemporalDevServer();
  const address = process.env.TEMPORAL_ADDRESS ?? server!.address;
  const handle = await createDb({ url: process.env.DATABASE_URL ?? 'memory://' });
  try {
    for (const kind of ['update_record', 'run_script'] as const) {
      const r = await benchLightSteps({ temporalAddress: address, db: handle.db, kind, runs: Number(process.env.BENCH_RUNS ?? 10) });
      console.log(JSON.stringify({ ...r, db: handle.driver }));
    }
  } finally {
    await handle.close();
    await server?.stop();
  }
}
