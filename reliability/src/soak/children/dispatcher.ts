import { Client, Connection } from '@temporalio/client';
import { createDb } from '@conduit/core/db';
import { dbPayloadStore } from '@conduit/core/domain';
import { temporalDataConverter } from '@conduit/core/temporal-codec';
import { startSqsConsumer } from '@conduit/core/events';
import { createDispatcher, createRunStarter } from '@conduit/functions/testing';
import { childConfig, die, onStop, ready, sqsQueue } from './common';

/**
 * The soak's dispatcher: consumes SQS and starts runs. SIGUSR2 arms a crash: the next run start,
 * after the message was received and the execution row written but before Temporal is asked to
 * start the workflow, kills this process with SIGKILL (the worst moment for at-least-once delivery).
 */
async function main() {
  const config = childConfig();
  const { db, close } = await createDb({ url: config.DATABASE_URL, driver: config.DATABASE_DRIVER, migrate: false, poolSize: 20 });
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config, dbPayloadStore(db)) });
  let armed = false;
  process.on('SIGUSR2', () => {
    armed = true;
  });
  const start = client.workflow.start.bind(client.workflow);
  // Only `start` is intercepted; every other call goes to the real client.
  client.workflow.start = ((...args: Parameters<typeof start>) => {
    if (armed) {
      process.stderr.write('CRASH between receive and start\n');
      process.kill(process.pid, 'SIGKILL');
    }
    return start(...args);
  }) as typeof client.workflow.start;
  const runs = createRunStarter({ db, temporal: client });
  const dispatcher = createDispatcher({ db, runs, config });
  const queue = sqsQueue(config);
  // Several pollers, as Lambda's event source mapping runs several batches at once.
  const consumers = Array.from({ length: Number(process.env.SOAK_CONSUMERS ?? 4) }, () =>
    startSqsConsumer({ queue, handler: dispatcher.handle, waitSeconds: 1 }),
  );
  onStop(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await connection.close().catch(() => {});
    await close();
  });
  ready({ pid: process.pid });
}

main().catch(die('dispatcher'));
