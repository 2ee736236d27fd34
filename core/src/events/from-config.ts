import type { Config } from '../config';
import { createInProcessQueue, type InProcessQueueOptions } from './in-process';
import type { EventHandler, EventQueue } from './queue';
import { createSqsQueue } from './sqs';

/**
 * The queue the configuration asks for: SQS when SQS_QUEUE_URL is set, else in-process. The
 * in-process queue needs its handler (the dispatcher) now; SQS consumers get it through start().
 */
export function createEventQueue(
  config: Pick<Config, 'SQS_QUEUE_URL' | 'SQS_ENDPOINT' | 'AWS_REGION'> & Partial<Pick<Config, 'EVENT_DISPATCH_CONCURRENCY' | 'EVENT_DISPATCH_BURST_RATE'>>,
  handler: EventHandler,
  opts: InProcessQueueOptions = {},
): EventQueue {
  if (config.SQS_QUEUE_URL) {
    return createSqsQueue({ queueUrl: config.SQS_QUEUE_URL, region: config.AWS_REGION, ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}) });
  }
  return createInProcessQueue(handler, {
    ...(config.EVENT_DISPATCH_CONCURRENCY ? { concurrency: config.EVENT_DISPATCH_CONCURRENCY } : {}),
    // 0: never in burst mode.
    ...(config.EVENT_DISPATCH_BURST_RATE !== undefined ? { burstRate: config.EVENT_DISPATCH_BURST_RATE || Number.POSITIVE_INFINITY } : {}),
    ...opts,
  });
}
