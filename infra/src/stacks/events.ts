import type { StackContext } from 'sst/constructs';
import { EventsConstruct } from '../events';
import { stackSetup } from './context';
import { afterMigrations } from './migrations';

/** SQS event queue + DLQ + alarm + the dispatcher Lambda. */
export function Events(ctx: StackContext) {
  const { settings, config } = stackSetup(ctx);
  afterMigrations(ctx);
  const events = new EventsConstruct(ctx.stack, 'Events', { settings, config });
  ctx.stack.addOutputs({ EventQueueUrl: events.queue.queueUrl, DeadLetterQueueUrl: events.deadLetterQueue.queueUrl });
  return { events };
}
