import { createDispatcher } from '../dispatch';
import { lambdaDeps } from './deps';
import { logJson, once } from './runtime';
import { EventMessageSchema, SqsEventSchema, type SqsBatchResponse } from './sqs';

const dispatcher = once(async () => createDispatcher(await lambdaDeps()));

/**
 * SQS batch → runs. Each record is dispatched on its own; the ids of the ones that failed go back
 * as batchItemFailures, so SQS redelivers only those (and parks them in the DLQ after the max
 * receive count). A malformed message is reported too: it lands in the DLQ for a human, not lost.
 */
export const handler = async (event: unknown): Promise<SqsBatchResponse> => {
  const batch = SqsEventSchema.parse(event);
  const d = await dispatcher();
  const results = await Promise.all(
    batch.Records.map(async (record) => {
      const message = parseMessage(record.body);
      if (!message) {
        logJson('error', 'malformed event message', { messageId: record.messageId });
        return record.messageId;
      }
      try {
        await d.dispatchEventById(message.eventId);
        return null;
      } catch (err) {
        logJson('error', 'dispatch failed', {
          messageId: record.messageId,
          eventId: message.eventId,
          receiveCount: record.attributes?.ApproximateReceiveCount,
          error: err instanceof Error ? err.message : String(err),
        });
        return record.messageId;
      }
    }),
  );
  return { batchItemFailures: results.filter((id): id is string => id !== null).map((itemIdentifier) => ({ itemIdentifier })) };
};

function parseMessage(body: string) {
  try {
    const parsed = EventMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
