import { Hono } from 'hono';
import { createInProcessQueue, type EventMessage } from '@conduit/core/events';
import type { Db } from '@conduit/core/db';
import { createIngress } from '@conduit/functions/testing';

/**
 * The real ingress mounted at /hooks over a real database. The queue is the in-process adapter
 * with a consumer that only records what was published: these tests are about what ingress
 * accepts and stores, not about dispatch.
 */
export function ingressUnderTest(db: Db, o: { encryptionKey: string; bodyLimit?: number }) {
  const published: EventMessage[] = [];
  const queue = createInProcessQueue(async (m) => {
    published.push(m);
  });
  const app = new Hono().route(
    '/hooks',
    createIngress({ db, queue, config: { WEBHOOK_BODY_LIMIT: o.bodyLimit ?? 64 * 1024, ENCRYPTION_KEY: o.encryptionKey }, hookCacheMs: 60_000 }),
  );
  return { app, published, queue };
}
