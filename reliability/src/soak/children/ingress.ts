import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createDb } from '@conduit/core/db';
import { createIngress, createSweeper } from '@conduit/functions/testing';
import { childConfig, die, onStop, ready, sqsQueue } from './common';

/**
 * The soak's ingress process: POST /hooks/:hookId over real HTTP, events stored in PostgreSQL and
 * published to SQS, plus the outbox sweeper that re-publishes what a failed publish left behind.
 */
async function main() {
  const config = childConfig();
  const { db, close } = await createDb({ url: config.DATABASE_URL, driver: config.DATABASE_DRIVER, migrate: false, poolSize: 20 });
  const queue = sqsQueue(config);
  const app = new Hono().route('/hooks', createIngress({ db, queue, config }));
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  // The product's defaults (5 s old, every 5 s): the soak tests the sweeper as it ships.
  const sweeper = createSweeper({ db, queue });
  sweeper.start(5_000, () => {});
  onStop(async () => {
    await sweeper.stop();
    await new Promise((r) => server.close(r));
    await close();
  });
  ready({ port: (server.address() as AddressInfo).port });
}

main().catch(die('ingress'));
