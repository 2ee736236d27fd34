import type { Config } from '@conduit/core/config';
import { createDb, type DbHandle } from '@conduit/core/db';
import { secretBoxFromConfig, type SecretBox } from '@conduit/core/crypto';
import { createSqsQueue, type SqsQueue } from '@conduit/core/events';
import { createLogger, type Logger } from '@conduit/core/logging';
import { createMailer, type Mailer } from '@conduit/core/mail';
import { startTracing, type Tracing } from '@conduit/core/tracing';
import { loadLambdaConfig, once } from './runtime';

/**
 * What the Lambda entries share, each built on first use and kept while the execution environment
 * is warm. Each entry takes only what it needs (the ingress and the sweeper never load a Temporal
 * connection), which keeps their cold starts short.
 */
export const lambdaConfig = once(() => loadLambdaConfig());

/** JSON lines on the console, for CloudWatch Logs Insights. */
export const lambdaLogger = once(async (): Promise<Logger> => createLogger({ level: (await lambdaConfig()).LOG_LEVEL }));

/** The one secret box of this execution environment; null without ENCRYPTION_KEY. */
export const lambdaSecrets = once(async (): Promise<SecretBox | null> => secretBoxFromConfig(await lambdaConfig()));

function need<K extends keyof Config>(config: Config, key: K): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined || value === null || value === '') throw new Error(`${String(key)} must be set for a Lambda`);
  return value as NonNullable<Config[K]>;
}

/**
 * The database through @neondatabase/serverless (the stacks set DATABASE_DRIVER=neon). Migrations
 * are not run here: the deploy applies them in its own step before new code runs (migrate.ts).
 */
export const lambdaDb = once(async (): Promise<DbHandle> => {
  const config = await lambdaConfig();
  // One request at a time per execution environment: a small pool is plenty.
  return createDb({ url: need(config, 'DATABASE_URL'), driver: config.DATABASE_DRIVER, migrate: false, poolSize: 2 });
});

/** The product's own mail (quota warnings): SES or SMTP as SMTP_URL says. */
export const lambdaMailer = once(async (): Promise<Mailer> => createMailer(await lambdaConfig(), (await lambdaDb()).db));

export const lambdaQueue = once(async (): Promise<SqsQueue> => {
  const config = await lambdaConfig();
  return createSqsQueue({
    queueUrl: need(config, 'SQS_QUEUE_URL'),
    region: config.AWS_REGION,
    ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
  });
});

/** The tracing SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set (null, nothing loaded, otherwise); one per execution environment. */
const lambdaTracing = once(async (): Promise<Tracing | null> => startTracing(await lambdaConfig(), 'conduit-functions'));

/**
 * A Lambda entry with tracing: the SDK started before the first invocation, and each invocation's
 * spans sent before it answers (a Lambda is frozen once it has answered; a batch left waiting would
 * go out minutes later or never).
 */
export function withTracing<A extends unknown[], R>(handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    const tracing = await lambdaTracing();
    try {
      return await handler(...args);
    } finally {
      await tracing?.flush().catch(() => {});
    }
  };
}
