import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '@conduit/core/config';
import { secretBoxFromConfig, type SecretBox } from '@conduit/core/crypto';
import type { Db } from '@conduit/core/db';
import { createLogger } from '@conduit/core/logging';
import { TASK_QUEUE } from '@conduit/core/temporal';
import { dbPayloadStore } from '@conduit/core/domain';
import { workerDataConverter } from '@conduit/core/temporal-codec';
import { createActivities, type EventPublisher, type Logger } from './activities';
import type { RunEvents } from './activities/types';
import { createMailer, type Mailer } from './activities/mailer';
import { createSafeHttp, type SafeHttp } from './activities/safe-http';
import { createDigestSweeper, type DigestSweeper } from './alerts/digest';
import { ScriptSandbox } from './activities/sandbox';
import { workflowBundleOptions } from './workflow-bundle-options';
import { activationTimeoutMs } from './activation-timeout';
import { tracingWorkerOptions } from './tracing';
import type { Tracing } from '@conduit/core/tracing';

export type CreateWorkerOptions = {
  connection: NativeConnection;
  db: Db;
  queue: EventPublisher;
  config: Config;
  namespace?: string;
  /** Defaults to the shared TASK_QUEUE; tests give each file its own. */
  taskQueue?: string;
  /** A prebuilt bundle (bundleWorkflowCode with workflowBundleOptions) instead of bundling at start. */
  workflowBundle?: { code: string } | { codePath: string };
  mailer?: Mailer;
  http?: SafeHttp;
  sandbox?: ScriptSandbox;
  /** Default: JSON lines on the console at LOG_LEVEL. */
  logger?: Logger;
  /** The process's secret box (opens signing secrets). Default: built from config.ENCRYPTION_KEY. */
  secrets?: SecretBox | null;
  /** Told when a run begins and ends (the worker's metrics; in `npm start`, the queued-run promoter). */
  runEvents?: RunEvents;
  /** How often the failure alert digests are swept (ms); 0 turns the sweep off. Default 30 s. */
  alertSweepMs?: number;
  /** The process's started tracing SDK (startTracing); null or absent: activities are not traced. */
  tracing?: Tracing | null;
  /** Passed through to Temporal (concurrency, shutdown grace…). */
  workerOptions?: Partial<WorkerOptions>;
};

export type ConduitWorker = {
  worker: Worker;
  taskQueue: string;
  /** Runs until shutdown() or a signal handled by the caller. */
  run(): Promise<void>;
  /** Stops polling, lets running tasks finish (within the grace time), then frees the sandbox and mailer. */
  shutdown(): Promise<void>;
  /** The workspace failure alerts' sender (also swept on a timer while the worker runs). */
  digests: DigestSweeper;
};

/** The Temporal worker with its dependencies injected; used by main.ts and the local launcher alike. */
export async function createWorker(opts: CreateWorkerOptions): Promise<ConduitWorker> {
  const logger = opts.logger ?? createLogger({ level: opts.config.LOG_LEVEL });
  const secrets = opts.secrets !== undefined ? opts.secrets : secretBoxFromConfig(opts.config);
  const mailer = opts.mailer ?? (await createMailer(opts.config, opts.db));
  const http = opts.http ?? createSafeHttp({ allowlist: opts.config.HTTP_ALLOWLIST });
  const sandbox = opts.sandbox ?? new ScriptSandbox();
  await sandbox.warm();
  const activities = createActivities({
    db: opts.db,
    queue: opts.queue,
    config: opts.config,
    mailer,
    http,
    sandbox,
    logger,
    secrets,
    ...(opts.runEvents ? { runEvents: opts.runEvents } : {}),
  });
  const taskQueue = opts.taskQueue ?? TASK_QUEUE;
  const tracing = tracingWorkerOptions(opts.tracing ?? null);
  const activation = activationTimeoutMs(opts.config.WORKFLOW_ACTIVATION_TIMEOUT_MS);
  if (activation.patchMissing)
    logger.warn(
      'the Temporal SDK was installed without its patch (npm install runs patch-package): workflow activations keep the 5 s limit, which costs CPU on every run',
    );
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? opts.config.TEMPORAL_NAMESPACE,
    taskQueue,
    activities,
    // Payloads encrypted with the key from ENCRYPTION_KEY (the same converter as every client's);
    // large ones (results of big outputs) stored in the database, Temporal holding their key.
    dataConverter: workerDataConverter(opts.config, dbPayloadStore(opts.db)),
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: workflowBundleOptions.workflowsPath, bundlerOptions: { preloadModules: workflowBundleOptions.preloadModules } }),
    // A prebuilt bundle has the workflow interceptor module in it already (workflowBundleOptions).
    interceptors: {
      activity: tracing.activityInterceptors,
      ...(opts.workflowBundle ? {} : { workflowModules: workflowBundleOptions.workflowInterceptorModules }),
    },
    sinks: tracing.sinks,
    // (Bundled at start, the failure converter comes from dataConverter.failureConverterPath above.)
    shutdownGraceTime: '10s',
    ...activation.option,
    ...opts.workerOptions,
  });
  const digests = createDigestSweeper({ db: opts.db, config: opts.config, mailer, http, secrets, logger }, opts.alertSweepMs ?? 30_000);
  let running: Promise<void> | null = null;
  const cleanup = async () => {
    await digests.stop();
    if (!opts.sandbox) await sandbox.close();
    if (!opts.mailer) mailer.close();
    if (!opts.http) await http.close();
  };
  return {
    worker,
    taskQueue,
    digests,
    run() {
      digests.start();
      running ??= worker.run().finally(cleanup);
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      if (running) await running;
      else await cleanup();
    },
  };
}
