import { NativeConnection } from '@temporalio/worker';
import { createDb } from '@conduit/core/db';
import { createWorker } from '@conduit/worker';
import { childConfig, die, onStop, ready, sqsQueue } from './common';

const quiet = {
  info() {},
  warn() {},
  error(msg: string, data?: Record<string, unknown>) {
    process.stderr.write(`${msg} ${JSON.stringify(data ?? {})}\n`);
  },
};

/** The soak's Temporal worker, from a prebuilt workflow bundle so a restart takes a second, not twenty. */
async function main() {
  const config = childConfig();
  const bundle = config.WORKFLOW_BUNDLE_PATH;
  const { db, close } = await createDb({ url: config.DATABASE_URL, driver: config.DATABASE_DRIVER, migrate: false, poolSize: 20 });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const w = await createWorker({
    connection,
    db,
    queue: sqsQueue(config),
    config,
    logger: quiet,
    ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
  });
  let stopping = false;
  const closeAll = async () => {
    await connection.close().catch(() => {});
    await close().catch(() => {});
  };
  onStop(async () => {
    stopping = true;
    await w.shutdown();
    await closeAll();
  });
  ready({ pid: process.pid });
  await w.run();
  if (stopping) return;
  await closeAll();
  // The worker stopping on its own (Temporal gone for too long) is an exit the supervisor restarts.
  process.exit(3);
}

main().catch(die('worker'));
