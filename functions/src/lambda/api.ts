import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { migrateLiteralCredentials } from '@conduit/core/domain';
import { createApp } from '../app';
import { lambdaConfig, lambdaDb, lambdaLogger, lambdaQueue, lambdaSecrets, withTracing } from './services';
import { lambdaTemporal, lazyRunStarter, lazyScheduleSync } from './temporal';
import { once } from './runtime';

/**
 * The settings API (/api/*) on Lambda behind the HTTP API: the same app as local, with the
 * Lambda's own wiring of AppDeps (the local runner's migrates on open and may queue events in process;
 * here the database is Neon without migrations and the queue is SQS). The Temporal client is not
 * part of the import nor of the first request: it loads on the first route that needs it (start a
 * run, sync a schedule, cancel), and the SQS client on the first publish.
 */
const app = once(async () => {
  const [config, { db }, queue, secrets, log] = await Promise.all([lambdaConfig(), lambdaDb(), lambdaQueue(), lambdaSecrets(), lambdaLogger()]);
  if (!secrets) throw new Error('ENCRYPTION_KEY must be set in the runtime secret');
  // Idempotent data migration: literal credentials left in old definitions move into workspace secrets.
  await migrateLiteralCredentials(db, secrets, log);
  return handle(
    createApp({
      db,
      config,
      secrets,
      temporal: lambdaTemporal,
      queue,
      runs: lazyRunStarter(db),
      schedules: lazyScheduleSync(db),
      log,
    }),
  );
});

export const handler = withTracing(async (event: LambdaEvent, context?: LambdaContext) => (await app())(event, context));
