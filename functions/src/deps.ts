import { Client, Connection } from '@temporalio/client';
import type { Config } from '@conduit/core/config';
import { secretBoxFromConfig, type SecretBox } from '@conduit/core/crypto';
import { createDb, type Db } from '@conduit/core/db';
import type { Logger } from '@conduit/core/logging';
import { createEventQueue, type EventQueue } from '@conduit/core/events';
import { createDispatcher } from './dispatch';
import type { HookHandler, HookResolver } from './ingress';
import { createRunStarter, type RunStarter } from './runs';
import { createScheduleSync, type ScheduleSync } from './schedules';

export type { Logger } from '@conduit/core/logging';

/** Everything the API needs, injected so tests and each runtime (local, Lambda) wire their own. */
export type AppDeps = {
  db: Db;
  config: Config;
  /** Seals workflow secrets (AES-256-GCM with ENCRYPTION_KEY). */
  secrets: SecretBox;
  /**
   * Lazily connected: routes that never touch Temporal work while it is down. Or a loader of the
   * client, so a cold API Lambda loads the gRPC client only on a route that needs it (cancel).
   */
  temporal: Client | (() => Promise<Client>);
  queue: EventQueue;
  runs: RunStarter;
  schedules?: ScheduleSync;
  clock?: () => Date;
  /** The web build (web/dist), served at / with SPA fallback when set. */
  staticDir?: string;
  /** Shared with the ingress so (de)activation drops cached hooks at once. */
  hooks?: HookResolver;
  /** The webhook handler behind /hooks, when the caller also serves it outside Hono (the local server). */
  hookHandler?: HookHandler;
  log?: Logger;
  /** Login attempts allowed per email+IP per window (default 10 per 15 minutes). */
  loginLimit?: { attempts: number; windowMs: number };
};

export type BuiltDeps = AppDeps & { temporal: Client; close(): Promise<void> };

export function temporalClient(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_API_KEY'>): Client {
  const connection = Connection.lazy({
    address: config.TEMPORAL_ADDRESS,
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY, tls: true } : {}),
  });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

/**
 * Opens the database, a lazy Temporal client and the event queue the configuration names (SQS, or
 * in-process with the dispatcher as its consumer), and the run starter and schedule sync over them.
 */
export async function buildDeps(config: Config): Promise<BuiltDeps> {
  const secrets = secretBoxFromConfig(config);
  if (!secrets) throw new Error('ENCRYPTION_KEY is required (32 bytes, hex or base64)');
  const handle = await createDb({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, driver: config.DATABASE_DRIVER });
  const db = handle.db;
  const temporal = temporalClient(config);
  const runs = createRunStarter({ db, temporal });
  const schedules = createScheduleSync({ db, temporal });
  const dispatcher = createDispatcher({ db, runs, config });
  const queue = createEventQueue(config, (message) => dispatcher.handle(message));
  return {
    db, config, secrets, temporal, queue, runs, schedules,
    async close() {
      await queue.stop?.();
      await temporal.connection.close().catch(() => {});
      await handle.close();
    },
  };
}
