import { createRequire } from 'node:module';
import type * as SqsSdk from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { EventHandler, EventQueue } from './queue';
import { decodeMessage, encodeMessage, needsDispatch, type PublishableEvent } from './message';

/**
 * The SQS client library, loaded on first use instead of at import: loading it costs ~150 ms of CPU,
 * which a cold Lambda would otherwise pay even on invocations that never touch SQS. A synchronous
 * require (the package is CommonJS) keeps createSqsClient synchronous; in Lambda it resolves the
 * SDK the runtime provides.
 */
let sdk: typeof SqsSdk | undefined;
const sqsSdk = (): typeof SqsSdk => (sdk ??= createRequire(import.meta.url)('@aws-sdk/client-sqs') as typeof SqsSdk);

export type SqsQueueOptions = {
  queueUrl: string;
  region?: string;
  /** Endpoint override for an SQS-compatible server (moto, ElasticMQ); dummy credentials are used with it. */
  endpoint?: string;
  client?: SQSClient;
  /** A publish that takes longer is abandoned (default 3 s): the caller answers anyway and the sweeper re-sends. */
  publishTimeoutMs?: number;
};

export function createSqsClient(opts: { region?: string; endpoint?: string }): SQSClient {
  return new (sqsSdk().SQSClient)({
    region: opts.region ?? 'us-east-1',
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    // Fail fast when the queue is unreachable: the event is already stored and the sweeper retries.
    maxAttempts: 2,
  });
}

/** SendMessageBatch takes at most 10 entries. */
const BATCH = 10;

export type SqsQueue = EventQueue & {
  client: SQSClient;
  queueUrl: string;
  /** Receives and handles one batch (tests; the consumer loop calls it). Returns messages handled OK. */
  pollOnce(handler: EventHandler, opts?: { waitSeconds?: number; maxMessages?: number }): Promise<number>;
};

export function createSqsQueue(opts: SqsQueueOptions): SqsQueue {
  // Created on first use, so building the queue (every cold start) does not load the SDK.
  let sqsClient = opts.client;
  const client = (): SQSClient => (sqsClient ??= createSqsClient(opts));
  const { queueUrl } = opts;
  const timeout = () => ({ abortSignal: AbortSignal.timeout(opts.publishTimeoutMs ?? 3_000) });
  let consumer: { stop: () => Promise<void> } | undefined;

  const queue: SqsQueue = {
    kind: 'sqs',
    get client() {
      return client();
    },
    queueUrl,
    // Every message carries its workspace as MessageGroupId: on a standard queue that makes it an SQS
    // fair queue, so one workspace's backlog does not delay the others' messages (docs/fairness.md).
    async publish(e) {
      if (!needsDispatch(e)) return;
      const { SendMessageCommand } = sqsSdk();
      await client().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeMessage(e), MessageGroupId: e.workspaceId }), timeout());
    },
    async publishMany(all: PublishableEvent[]) {
      const es = all.filter(needsDispatch);
      const { SendMessageBatchCommand } = sqsSdk();
      for (let i = 0; i < es.length; i += BATCH) {
        const chunk = es.slice(i, i + BATCH);
        const out = await client().send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((e, j) => ({ Id: String(j), MessageBody: encodeMessage(e), MessageGroupId: e.workspaceId })),
          }),
          timeout(),
        );
        if (out.Failed && out.Failed.length > 0) {
          throw new Error(`SQS refused ${out.Failed.length} of ${chunk.length} messages: ${out.Failed[0]?.Code ?? 'unknown'}`);
        }
      }
    },
    pollOnce: (handler, o) => pollOnce(client(), queueUrl, handler, o),
    start(handler) {
      if (!handler) throw new Error('the SQS queue needs a handler to consume');
      if (consumer) return;
      consumer = startSqsConsumer({ queue, handler });
    },
    async stop() {
      await consumer?.stop();
      consumer = undefined;
    },
  };
  return queue;
}

async function pollOnce(
  client: SQSClient,
  queueUrl: string,
  handler: EventHandler,
  o: { waitSeconds?: number; maxMessages?: number; abortSignal?: AbortSignal } = {},
): Promise<number> {
  const { ReceiveMessageCommand, ChangeMessageVisibilityCommand, DeleteMessageCommand } = sqsSdk();
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: o.maxMessages ?? 10,
      WaitTimeSeconds: o.waitSeconds ?? 1,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
    o.abortSignal ? { abortSignal: o.abortSignal } : {},
  );
  const results = await Promise.all(
    (out.Messages ?? []).map(async (m) => {
      if (!m.ReceiptHandle) return false;
      const message = decodeMessage(m.Body ?? '');
      // A malformed message is not deleted: after maxReceiveCount it lands in the DLQ for a human.
      if (!message) return false;
      try {
        await handler(message);
      } catch {
        // Make it visible again soon rather than after the whole visibility timeout.
        await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 2 })).catch(() => {});
        return false;
      }
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      return true;
    }),
  );
  return results.filter(Boolean).length;
}

/**
 * A long-polling consumer for the local stack and tests (in the cloud, Lambda's event source
 * mapping polls and calls `createSqsBatchHandler`). Errors back off and never stop the loop.
 */
export function startSqsConsumer(o: {
  queue: Pick<SqsQueue, 'client' | 'queueUrl'>;
  handler: EventHandler;
  waitSeconds?: number;
  onError?: (err: unknown) => void;
}): { stop: () => Promise<void> } {
  const abort = new AbortController();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        await pollOnce(o.queue.client, o.queue.queueUrl, o.handler, { waitSeconds: o.waitSeconds ?? 2, abortSignal: abort.signal });
      } catch (err) {
        if (!running) break;
        o.onError?.(err);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}

/** The part of a Lambda SQS event the handler reads; other fields pass through. */
const SqsBatchEventSchema = z.object({
  Records: z.array(z.looseObject({ messageId: z.string().min(1), body: z.string() })),
});
export type SqsBatchResponse = { batchItemFailures: Array<{ itemIdentifier: string }> };

/**
 * Lambda SQS batch handler with partial batch failures (ReportBatchItemFailures): each record is
 * handled on its own and only the failed or malformed ones are returned, so SQS redelivers those
 * and, after the queue's maxReceiveCount, moves them to the dead-letter queue.
 */
export function createSqsBatchHandler(
  handler: EventHandler,
  onError?: (messageId: string, err: unknown) => void,
): (event: unknown) => Promise<SqsBatchResponse> {
  return async (event) => {
    const batch = SqsBatchEventSchema.parse(event);
    const failed = await Promise.all(
      batch.Records.map(async (r) => {
        const message = decodeMessage(r.body);
        if (!message) {
          onError?.(r.messageId, new Error('malformed event message'));
          return r.messageId;
        }
        try {
          await handler(message);
          return null;
        } catch (err) {
          onError?.(r.messageId, err);
          return r.messageId;
        }
      }),
    );
    return { batchItemFailures: failed.filter((id): id is string => id !== null).map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
