import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '@conduit/core/config';
import { secretBoxFromConfig } from '@conduit/core/crypto';
import { createDb } from '@conduit/core/db';
import { createSqsQueue } from '@conduit/core/events';
import { createLogger, type Logger } from '@conduit/core/logging';
import { reconcileSchedulesLocked } from '@conduit/core/schedules';
import { dbPayloadStore } from '@conduit/core/domain';
import { temporalDataConverter } from '@conduit/core/temporal-codec';
import { temporalConnection } from '@conduit/core/temporal-connection';
import { startTracing } from '@conduit/core/tracing';
import { startHealthServer } from './health';
import { createRunCounters, PROMETHEUS_BIND, startTemporalMetricsReporter } from './metrics';
import { workerPromotion } from './promotion';
import { createWorker } from './worker';
import type { EventPublisher } from './activities/types';

/** Until the configuration is read (a bad one is reported through it): JSON lines at info. */
let log: Logger = createLogger();

/**
 * Standalone worker (the container's entry). Record events are always in the outbox table; with no
 * queue configured here the outbox sweeper delivers them, so publishing is best effort.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  log = createLogger({ level: config.LOG_LEVEL });
  // Before anything opens: a plaintext connection to a remote Temporal refuses to start here.
  const temporal = temporalConnection(config);
  // Before any connection: the SDK's metrics exporter is part of its one Runtime.
  if (config.CLOUDWATCH_METRICS_STAGE) Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: PROMETHEUS_BIND } } } });
  // Off (nothing loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const tracing = await startTracing(config, 'conduit-worker');
  const slots = config.WORKER_ACTIVITY_SLOTS;
  const { db, close } = await createDb({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    driver: config.DATABASE_DRIVER,
    poolSize: config.DATABASE_POOL_SIZE ?? slots,
    migrate: config.MIGRATE_ON_START,
  });
  const queue = loadQueue(config);
  const connection = await NativeConnection.connect(temporal.options);
  const bundlePath = config.WORKFLOW_BUNDLE_PATH;
  const runs = config.CLOUDWATCH_METRICS_STAGE ? createRunCounters() : null;
  // Payloads encrypted with the key from ENCRYPTION_KEY (the API's client does the same).
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config, dbPayloadStore(db)) });
  const promotion = workerPromotion({
    db,
    temporal: client,
    intervalMs: config.WORKER_PROMOTE_INTERVAL_MS,
    concurrentStarts: config.RUN_START_CONCURRENCY,
    log,
    also: runs,
  });
  const w = await createWorker({
    connection,
    db,
    queue,
    config,
    logger: log,
    secrets: secretBoxFromConfig(config),
    tracing,
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
    runEvents: promotion.runEvents,
    workerOptions: {
      maxConcurrentActivityTaskExecutions: slots,
      maxConcurrentLocalActivityExecutions: slots,
      shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
    },
  });
  const health = config.HEALTH_PORT ? await startHealthServer(config.HEALTH_PORT, () => w.worker.getState() === 'RUNNING') : null;
  const metrics = config.CLOUDWATCH_METRICS_STAGE
    ? startTemporalMetricsReporter({
        stage: config.CLOUDWATCH_METRICS_STAGE,
        ...(runs ? { runs } : {}),
        onError: (e) => log.warn('metrics', { error: String(e) }),
      })
    : null;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('worker stopping', { signal });
    void w.shutdown();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  promotion.start();
  log.info('worker started', { taskQueue: w.taskQueue, temporal: config.TEMPORAL_ADDRESS, auth: temporal.auth });
  if (config.RECONCILE_SCHEDULES_ON_START) {
    // In the background: polling starts at once; a failure is logged and retried by the next task start.
    reconcileSchedulesLocked({ db, temporal: client }).then(
      (r) => log.info('schedules reconciled', r),
      (e) => log.error('schedule reconcile failed', { error: e instanceof Error ? e.message : String(e) }),
    );
  }
  await w.run();
  await promotion.stop();
  metrics?.stop();
  health?.close();
  await connection.close();
  await close();
  await tracing?.shutdown();
  log.info('worker stopped');
}

/** SQS when configured; otherwise the dispatcher's outbox sweeper picks the stored events up. */
function loadQueue(config: ReturnType<typeof loadConfig>): EventPublisher {
  if (config.SQS_QUEUE_URL)
    return createSqsQueue({ queueUrl: config.SQS_QUEUE_URL, region: config.AWS_REGION, ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}) });
  return { publish: async () => undefined };
}

main().catch((e) => {
  log.error('worker failed', { error: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
