import { createSqsBatchHandler, type SqsBatchResponse } from '@conduit/core/events';
import { createDispatcher } from '../dispatch';
import { createRunPromoter } from '@conduit/core/run-promoter';
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
  const runs = lazyRunStarter(db);
  const dispatcher = createDispatcher({ db, config, runs, log });
  const handle = createSqsBatchHandler(
    (message) => dispatcher.handle(message),
    (messageId, err) => log.error('dispatch failed', { messageId, error: err instanceof Error ? err.message : String(err) }),
  );
  // No process stays up between batches here: each batch also starts runs queued behind their
  // workspace's concurrent-run limit (one indexed query when none wait); the sweeper's minute does too.
  const promoter = createRunPromoter({ db, runs, log });
  return async (event: unknown) => {
    const result = await handle(event);
    await promoter.promoteOnce().catch((err: unknown) => log.warn('queued runs not promoted', { error: err instanceof Error ? err.message : String(err) }));
    return result;
  };
});

export const handler = withTracing(async (event: unknown): Promise<SqsBatchResponse> => (await batchHandler())(event));
