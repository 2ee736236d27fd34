import { createSqsBatchHandler, type SqsBatchResponse } from '@conduit/core/events';
import { createDispatcher } from '../dispatch';
import { lambdaConfig, lambdaDb, lambdaLogger, withTracing } from './services';
import { lazyRunStarter } from './temporal';
import { once } from './runtime';

/**
 * SQS batch → runs. The batch is validated with zod and each record dispatched on its own; the ids
 * of the failed or malformed ones go back as batchItemFailures, so SQS redelivers only those and
 * parks them in the DLQ after the queue's maxReceiveCount. Dispatch is idempotent per (workflow, event).
 * The Temporal client loads with the first run started, not with the import.
 */
const batchHandler = once(async () => {
  const [config, { db }, log] = await Promise.all([lambdaConfig(), lambdaDb(), lambdaLogger()]);
  const dispatcher = createDispatcher({ db, config, runs: lazyRunStarter(db), log });
  return createSqsBatchHandler(
    (message) => dispatcher.handle(message),
    (messageId, err) => log.error('dispatch failed', { messageId, error: err instanceof Error ? err.message : String(err) }),
  );
});

export const handler = withTracing(async (event: unknown): Promise<SqsBatchResponse> => (await batchHandler())(event));
