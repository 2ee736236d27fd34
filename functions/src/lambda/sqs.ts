import { z } from 'zod';

/** The part of an SQS event (aws-lambda SQSEvent) the dispatcher reads; other fields pass through. */
export const SqsRecordSchema = z.looseObject({
  messageId: z.string().min(1),
  body: z.string(),
  attributes: z.looseObject({ ApproximateReceiveCount: z.string().optional() }).optional(),
});
export const SqsEventSchema = z.object({ Records: z.array(SqsRecordSchema) });
export type SqsEvent = z.infer<typeof SqsEventSchema>;

/** The event queue's message: the id of a stored event (the event log is the source of truth). */
export const EventMessageSchema = z.object({ eventId: z.string().uuid() });

export type SqsBatchResponse = { batchItemFailures: Array<{ itemIdentifier: string }> };
