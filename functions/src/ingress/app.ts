import { Hono } from 'hono';
import type { Config } from '@conduit/core/config';
import type { Db } from '@conduit/core/db';
import type { EventQueue } from '@conduit/core/events';

export type IngressDeps = {
  db: Db;
  queue: EventQueue;
  config: Pick<Config, 'WEBHOOK_BODY_LIMIT' | 'ENCRYPTION_KEY'>;
  /** Per-hook token bucket (default 10,000/s, burst 20,000). */
  rateLimit?: { perSecond: number; burst: number };
  /** How long a hook lookup is cached (default 2 s). */
  hookCacheMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
};

/** The public webhook ingress, mounted at /hooks: POST /hooks/:hookId (GET when the trigger allows it). */
export function createIngress(_deps: IngressDeps): Hono {
  const app = new Hono();
  app.all('/:hookId', (c) => c.json({ error: { code: 'not_implemented', message: 'webhook ingress is being built' } }, 501));
  return app;
}
