import type { Client } from '@temporalio/client';
import type { Db } from '@conduit/core/db';
import type { RunStarter } from '../runs';
import type { ScheduleSync } from '../schedules';
import { lambdaConfig, lambdaDb, lambdaLogger, lambdaMailer } from './services';
import { once } from './runtime';

/**
 * The Temporal client (lazy connection: Temporal Cloud with an API key over TLS, or a self-hosted
 * cluster), and what is built on it. Every import of Temporal code here is dynamic: the bundler
 * puts the client (gRPC, the proto descriptor: about half of a bundle, most of its import time) in
 * a chunk of its own, loaded when a handler first needs Temporal, not on every cold start.
 */
export const lambdaTemporal = once(async (): Promise<Client> => {
  const [{ temporalClient }, config, { db }] = await Promise.all([import('./temporal-modules'), lambdaConfig(), lambdaDb()]);
  return temporalClient(config, db);
});

/** Starts runs; loads the Temporal client on the first start (a batch that matches no workflow never does). */
export function lazyRunStarter(db: Db): RunStarter {
  const starter = once(async () => {
    const [{ createRunStarter, quotaWarningMailer }, temporal, config, mailer, log] = await Promise.all([
      import('./temporal-modules'),
      lambdaTemporal(),
      lambdaConfig(),
      lambdaMailer(),
      lambdaLogger(),
    ]);
    return createRunStarter({ db, temporal, concurrentStarts: config.RUN_START_CONCURRENCY, onQuotaWarning: quotaWarningMailer({ db, mailer, config, log }) });
  });
  return {
    start: async (input) => (await starter()).start(input),
    launch: async (input) => (await starter()).launch(input),
  };
}

/** Keeps Temporal Schedules in step with the database; loads the Temporal client on first use. */
export function lazyScheduleSync(db: Db): ScheduleSync {
  const sync = once(async () => {
    const [{ createScheduleSync }, temporal] = await Promise.all([import('./temporal-modules'), lambdaTemporal()]);
    return createScheduleSync({ db, temporal });
  });
  return {
    sync: async (workflowId) => (await sync()).sync(workflowId),
    remove: async (workflowId) => (await sync()).remove(workflowId),
    reconcile: async () => (await sync()).reconcile(),
  };
}
