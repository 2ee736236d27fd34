import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '@conduit/core/config';
import { createDb } from '@conduit/core/db';
import { createSqsQueue } from '@conduit/core/events';
import { consoleLogger } from './logger';
import { createWorker } from './worker';
import type { EventPublisher } from './activities/types';

/**
 * Standalone worker (the container's entry). Record events are always in the outbox table; with no
 * queue configured here the outbox sweeper delivers them, so publishing is best effort.
 */
async function main() {
  const config = loadConfig();
  const { db, close } = await createDb({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const queue = loadQueue(config);
  const connection = await NativeConnection.connect({
    address: config.TEMPORAL_ADDRESS,
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY, tls: true } : {}),
  });
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  const w = await createWorker({ connection, db, queue, config, ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}) });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    consoleLogger.info('worker stopping', { signal });
    void w.shutdown();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  consoleLogger.info('worker started', { taskQueue: w.taskQueue, temporal: config.TEMPORAL_ADDRESS });
  await w.run();
  await connection.close();
  await close();
  consoleLogger.info('worker stopped');
}

/** SQS when configured; otherwise the dispatcher's outbox sweeper picks the stored events up. */
function loadQueue(config: ReturnType<typeof loadConfig>): EventPublisher {
  if (config.SQS_QUEUE_URL)
    return createSqsQueue({ queueUrl: config.SQS_QUEUE_URL, region: config.AWS_REGION, ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}) });
  return { publish: async () => undefined };
}

main().catch((e) => {
  consoleLogger.error('worker failed', { error: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
