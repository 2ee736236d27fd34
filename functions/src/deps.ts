import { Client, Connection, type ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import type { Config } from '@conduit/core/config';
import type { SecretBox } from '@conduit/core/crypto';
import type { Db } from '@conduit/core/db';
import type { EventQueue } from '@conduit/core/events';
import type { HookHandler, HookResolver } from './ingress';
import type { RunStarter } from './runs';
import type { ScheduleSync } from './schedules';

import type { Logger } from '@conduit/core/logging';
import type { Mailer } from '@conduit/core/mail';
import { dbPayloadStore } from '@conduit/core/domain';
import { temporalDataConverter } from '@conduit/core/temporal-codec';
import { temporalConnection, type TemporalConnectionConfig } from '@conduit/core/temporal-connection';
import { tracingEnabled, type TracingConfig } from '@conduit/core/tracing';

export type { Logger };

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
  /** Sends the product's own mail (invitations); default: the mailer SMTP_URL selects (dev inbox when unset). */
  mailer?: Pick<Mailer, 'send'>;
  /** Login attempts allowed per email+IP per window (default 10 per 15 minutes). */
  loginLimit?: { attempts: number; windowMs: number };
};

/**
 * The API's and the dispatcher's client: payloads encrypted like the worker's (ENCRYPTION_KEY), and
 * the large ones the worker stored (run results, progress answers) read back from `db`.
 */
export function temporalClient(
  config: TemporalConnectionConfig & Pick<Config, 'TEMPORAL_NAMESPACE' | 'ENCRYPTION_KEY' | 'ENCRYPTION_KEYS_OLD'> & TracingConfig,
  db: Db,
): Client {
  // Throws (so the handler fails) rather than talk plaintext to a remote Temporal.
  const connection = Connection.lazy(temporalConnection(config).options);
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: temporalDataConverter(config, dbPayloadStore(db)),
    ...tracingClientInterceptors(config),
  });
}

/**
 * With tracing on, a started workflow gets a client span and carries its trace context in a
 * Temporal header (the workflow and its activities continue the trace); off, no interceptor at all.
 */
export function tracingClientInterceptors(config: TracingConfig): { interceptors?: ClientInterceptors } {
  return tracingEnabled(config) ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } } : {};
}
