import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig, type Config } from '@conduit/core/config';
import { companies, workflows, workspaces, type Db } from '@conduit/core/testing';
import type { TriggerPayload, WorkflowActionInput } from '@conduit/core/definition';
import { activateWorkflow, createExecution, dbPayloadStore, getExecutionState, listStepRows, type StoredEvent } from '@conduit/core/domain';
import { temporalDataConverter } from '@conduit/core/temporal-codec';
import { RUN_WORKFLOW, RunInputSchema, runWorkflowId, type RunInputArg } from '@conduit/core/temporal';
import { createTestDb, testEnv, type TestDbKind } from '@conduit/local/testing';
import { createWorker, workflowBundleOptions, type ConduitWorker, type CreateWorkerOptions } from '../src';

const quiet = { info() {}, warn() {}, error() {} };
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  /* already installed in this process */
}
let bundle: Promise<{ code: string }> | undefined;
/** One workflow bundle per test file, reused by every worker the file starts. */
const sharedBundle = () =>
  (bundle ??= bundleWorkflowCode({ ...workflowBundleOptions, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never }));

/** Polls `fn` every 50 ms until it holds; throws after `ms`. */
export async function until(fn: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(opts: { db?: TestDbKind; env?: Record<string, string>; worker?: Partial<CreateWorkerOptions> } = {}) {
  const dbh = await createTestDb(opts.db ?? 'pglite');
  const db: Db = dbh.db;
  const [ws] = await db
    .insert(workspaces)
    .values({ name: 'Test', slug: `t-${randomUUID().slice(0, 8)}` })
    .returning();
  const [co] = await db.insert(companies).values({ workspaceId: ws!.id, name: 'Acme' }).returning();
  const config: Config = loadConfig({ ENCRYPTION_KEY: 'a'.repeat(64), ...opts.env });
  const taskQueue = `test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: testEnv.temporalAddress() });
  const clientConn = await Connection.connect({ address: testEnv.temporalAddress() });
  const client = new Client({ connection: clientConn, dataConverter: temporalDataConverter(config, dbPayloadStore(db)) });
  const published: StoredEvent[] = [];
  const queue = {
    publish: async (e: StoredEvent) => {
      published.push(e);
    },
  };
  const workflowBundle = await sharedBundle();

  let current: ConduitWorker | null = null;
  let running: Promise<void> | null = null;
  async function startWorker() {
    current = await createWorker({ connection, db, queue: queue as never, config, taskQueue, workflowBundle, logger: quiet, ...opts.worker });
    running = current.run();
  }
  async function stopWorker() {
    await current?.shutdown();
    await running;
    current = null;
  }
  await startWorker();

  /**
   * Swaps the in-process worker for one in its own process (fixtures/worker-process.ts, pg only), so
   * a test can SIGKILL it mid-run: no graceful shutdown, in-flight activities lost. `kill()` does
   * that; startWorker() then brings the in-process one back.
   */
  async function workerProcess() {
    await stopWorker();
    const bundlePath = join(tmpdir(), `conduit-bundle-${process.pid}-${Date.now()}.js`);
    await writeFile(bundlePath, (await sharedBundle()).code);
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(process.execPath, ['--import', tsx, fileURLToPath(new URL('./fixtures/worker-process.ts', import.meta.url))], {
      env: { ...process.env, KILL_DB_URL: dbh.url, KILL_TEMPORAL: testEnv.temporalAddress(), KILL_TASK_QUEUE: taskQueue, KILL_BUNDLE: bundlePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`worker process exited (${code}): ${err}`)));
    });
    return {
      async kill() {
        child.removeAllListeners('exit');
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      },
    };
  }

  async function createWorkflow(actions: WorkflowActionInput[], trigger: object = { type: 'webhook', auth: { mode: 'none' }, allowGet: false }) {
    const [wf] = await db
      .insert(workflows)
      .values({
        name: 'wf',
        workspaceId: ws!.id,
        companyId: co!.id,
        trigger: trigger as never,
        actions: actions as never,
      })
      .returning();
    return wf!;
  }

  /** A published, active workflow with a manual trigger: what a call_workflow step may call. */
  async function createCallable(actions: WorkflowActionInput[]) {
    const wf = await createWorkflow(actions);
    await activateWorkflow(db, {
      workspaceId: ws!.id,
      id: wf.id,
      publishedBy: null,
      draft: { name: 'child', trigger: { type: 'manual', allowMembers: false }, actions: actions as never },
    });
    return wf;
  }

  /** Inserts the execution as the dispatcher would, then starts the run on this file's task queue. */
  async function startRun(
    actions: WorkflowActionInput[],
    extra: Partial<RunInputArg> & { trigger?: TriggerPayload; retryOf?: string; workflowTrigger?: object } = {},
    options?: { stepsPerRun?: number; historyLimit?: number },
  ) {
    const { workflowTrigger, ...rest } = extra;
    const wf = await createWorkflow(actions, workflowTrigger);
    const { execution } = await createExecution(db, {
      workspaceId: ws!.id,
      workflowId: wf.id,
      versionId: null,
      eventId: null,
      input: {},
      retryOf: extra.retryOf ?? null,
    });
    const input: RunInputArg = {
      executionId: execution.id,
      workspaceId: ws!.id,
      workflowId: wf.id,
      versionId: null,
      definition: { trigger: { type: 'webhook' }, actions } as never,
      trigger: extra.trigger ?? { kind: 'manual', sample: 1 },
      ...rest,
    };
    // Parsed here as every starter does: the workflow takes its input as validated.
    const handle = await client.workflow.start(RUN_WORKFLOW, {
      taskQueue,
      workflowId: runWorkflowId(execution.id),
      args: [RunInputSchema.parse(input), ...(options ? [options] : [])],
    });
    return { executionId: execution.id, workflowId: wf.id, handle: handle as WorkflowHandle };
  }

  const execution = (id: string) => getExecutionState(db, { workspaceId: ws!.id, executionId: id });
  const steps = async (id: string) => Object.fromEntries((await listStepRows(db, { workspaceId: ws!.id, executionId: id })).map((s) => [s.actionId, s]));

  async function close() {
    await stopWorker();
    await clientConn.close();
    await connection.close();
    await dbh.close();
  }
  return {
    db,
    /** The database's URL, for a worker in another process (pg only). */
    dbUrl: dbh.url,
    /** The workflow bundle's code, for a worker in another process. */
    bundleCode: async () => (await sharedBundle()).code,
    workspaceId: ws!.id,
    companyId: co!.id,
    config,
    taskQueue,
    client,
    connection,
    published,
    startRun,
    createWorkflow,
    createCallable,
    execution,
    steps,
    startWorker,
    stopWorker,
    workerProcess,
    /** The running worker (its digest sweeper, …). */
    worker: () => {
      if (!current) throw new Error('no worker is running');
      return current;
    },
    close,
  };
}
