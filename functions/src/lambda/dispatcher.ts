import { createSqsBatchHandler, type SqsBatchResponse } from '@conduit/core/events';
import { createDispatcher } from '../dispatch';
import { createRunStarter } from '../runs';
import { lambdaConfig, lambdaDb } from './services';
import { lambdaTemporal } from './temporal';
import { logJson, once } from './runtime';

/**
 * SQS batch → runs. The batch is validated with zod and each record dispatched on its own; the ids
 * of the failed or malformed ones go back as batchItemFailures, so SQS redelivers only those and
 * parks them in the DLQ after the queue's maxReceiveCount. Dispatch is idempotent per (workflow, event).
 */
const batchHandler = once(async () => {
  const [config, { db }, temporal] = await Promise.all([lambdaConfig(), lambdaDb(), lambdaTemporal()]);
  const dispatcher = createDispatcher({ db, config, runs: createRunStarter({ db, temporal }), log: logJson });
  return createSqsBatchHandler(
    (message) => dispatcher.handle(message),
    (messageId, err) => logJson('error', 'dispatch failed', { messageId, error: err instanceof Error ? err.message : String(err) }),
  );
});

export const handler = async (event: unknown): Promise<SqsBatchResponse> => (await batchHandler())(event);
