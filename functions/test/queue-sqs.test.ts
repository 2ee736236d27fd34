import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createInProcessQueue, createSqsBatchHandler, type createSqsClient, createSqsQueue, startSqsConsumer, type EventMessage } from '@conduit/core/events';
import { createTestQueues } from './dispatch-fixtures';

const id = () => crypto.randomUUID();

/** A promise the handlers wait on until the test releases them. */
function heldGate() {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  return { gate, release };
}

const depth = async (client: ReturnType<typeof createSqsClient>, url: string) => {
  const a = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(a.Attributes!.ApproximateNumberOfMessages) + Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible);
};

describe('SQS event queue (moto)', () => {
  let q: Awaited<ReturnType<typeof createTestQueues>>;
  beforeAll(async () => {
    q = await createTestQueues();
  });
  afterAll(() => q?.client.destroy());

  it('tags every message with its workspace as MessageGroupId, which makes a standard queue an SQS fair queue', async () => {
    const queue = createSqsQueue({ queueUrl: q.queueUrl, endpoint: q.endpoint });
    const [a, b] = [id(), id()];
    await queue.publish({ id: id(), workspaceId: a });
    await queue.publishMany!([{ id: id(), workspaceId: b }]);
    const groups: string[] = [];
    for (let i = 0; i < 10 && groups.length < 2; i++) {
      const got = await q.client.send(new ReceiveMessageCommand({ QueueUrl: q.queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }));
      for (const m of got.Messages ?? []) {
        groups.push(m.Attributes?.MessageGroupId ?? 'none');
        await q.client.send(new DeleteMessageCommand({ QueueUrl: q.queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    expect(groups.sort()).toEqual([a, b].sort());
  });

  it('publishes single and batched messages (more than one SendMessageBatch) and deletes them once handled; never an event already dispatched', async () => {
    const queue = createSqsQueue({ queueUrl: q.queueUrl, endpoint: q.endpoint });
    const ws = id();
    const sent = Array.from({ length: 23 }, () => ({ id: id(), workspaceId: ws }));
    const settled = () => ({ id: id(), workspaceId: ws, dispatchedAt: new Date() });
    await queue.publish(settled());
    await queue.publish(sent[0]!);
    await queue.publishMany!([settled(), ...sent.slice(1, 12), settled(), ...sent.slice(12)]);
    const got: EventMessage[] = [];
    for (let i = 0; i < 20 && got.length < sent.length; i++) await queue.pollOnce(async (m) => void got.push(m), { waitSeconds: 0 });
    expect(new Set(got.map((m) => m.eventId))).toEqual(new Set(sent.map((s) => s.id)));
    expect(got.every((m) => m.workspaceId === ws)).toBe(true);
    expect(await depth(q.client, q.queueUrl)).toBe(0);
  });

  it('redelivers a message whose handler failed, and moves it to the DLQ after maxReceiveCount', async () => {
    const own = await createTestQueues({ visibility: 1, maxReceiveCount: 2 });
    const queue = createSqsQueue({ queueUrl: own.queueUrl, endpoint: own.endpoint });
    const poison = { id: id(), workspaceId: id() };
    await queue.publish(poison);
    let attempts = 0;
    const failing = async () => {
      attempts++;
      throw new Error('dispatcher down');
    };
    const deadline = Date.now() + 20_000;
    while (attempts < 2 && Date.now() < deadline) await queue.pollOnce(failing, { waitSeconds: 1 });
    expect(attempts).toBe(2);
    // The third receive finds it in the DLQ, not the main queue.
    let inDlq: string | undefined;
    while (!inDlq && Date.now() < deadline) {
      await queue.pollOnce(failing, { waitSeconds: 1 });
      const r = await own.client.send(new ReceiveMessageCommand({ QueueUrl: own.dlqUrl, WaitTimeSeconds: 1 }));
      inDlq = r.Messages?.[0]?.Body;
    }
    expect(JSON.parse(inDlq!)).toEqual({ eventId: poison.id, workspaceId: poison.workspaceId });
    expect(attempts).toBe(2);
    own.client.destroy();
  });

  it('reports partial batch failures from the Lambda batch handler (failed and malformed items only)', async () => {
    const own = await createTestQueues({ visibility: 30 });
    const queue = createSqsQueue({ queueUrl: own.queueUrl, endpoint: own.endpoint });
    const ok = { id: id(), workspaceId: id() };
    const bad = { id: id(), workspaceId: id() };
    await queue.publishMany!([ok, bad]);
    await own.client.send(new SendMessageCommand({ QueueUrl: own.queueUrl, MessageBody: '{"not":"an event"}' }));
    const received = [];
    while (received.length < 3) {
      const r = await own.client.send(new ReceiveMessageCommand({ QueueUrl: own.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      received.push(...(r.Messages ?? []));
    }
    const handled: string[] = [];
    const handler = createSqsBatchHandler(async (m) => {
      if (m.eventId === bad.id) throw new Error('boom');
      handled.push(m.eventId);
    });
    const event = { Records: received.map((m) => ({ messageId: m.MessageId!, body: m.Body!, receiptHandle: m.ReceiptHandle!, eventSource: 'aws:sqs' })) };
    const res = await handler(event);
    const byBody = new Map(received.map((m) => [m.MessageId!, m.Body!]));
    expect(handled).toEqual([ok.id]);
    expect(res.batchItemFailures.map((f) => byBody.get(f.itemIdentifier)).sort()).toEqual(
      [JSON.stringify({ eventId: bad.id, workspaceId: bad.workspaceId }), '{"not":"an event"}'].sort(),
    );
    await expect(handler({ nope: 1 })).rejects.toThrow();
    own.client.destroy();
  });

  it('runs a long-polling consumer until stopped', async () => {
    const own = await createTestQueues();
    const queue = createSqsQueue({ queueUrl: own.queueUrl, endpoint: own.endpoint });
    const seen: string[] = [];
    const consumer = startSqsConsumer({ queue, handler: async (m) => void seen.push(m.eventId), waitSeconds: 1 });
    const e = { id: id(), workspaceId: id() };
    await queue.publish(e);
    const deadline = Date.now() + 10_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.stop();
    expect(seen).toEqual([e.id]);
    own.client.destroy();
  });

  it('fails publish fast when the queue endpoint is down or hangs', async () => {
    const queue = createSqsQueue({ queueUrl: 'http://127.0.0.1:9/000000000000/nowhere', endpoint: 'http://127.0.0.1:9' });
    await expect(queue.publish({ id: id(), workspaceId: id() })).rejects.toThrow();
    // A server that accepts connections and never answers: the publish gives up after its timeout.
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const blackhole = createServer((s) => void sockets.push(s)).listen(0, '127.0.0.1');
    await new Promise((r) => blackhole.once('listening', r));
    const port = (blackhole.address() as { port: number }).port;
    const hanging = createSqsQueue({ queueUrl: `http://127.0.0.1:${port}/000000000000/q`, endpoint: `http://127.0.0.1:${port}`, publishTimeoutMs: 300 });
    const started = Date.now();
    await expect(hanging.publish({ id: id(), workspaceId: id() })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const s of sockets) s.destroy();
    blackhole.close();
  });
});

describe('in-process event queue', () => {
  it('retries a failing handler, then gives the message up (for the sweeper)', async () => {
    const calls: string[] = [];
    const gaveUp: string[] = [];
    const q = createInProcessQueue(
      async (m) => {
        calls.push(m.eventId);
        if (m.eventId === 'a' || calls.filter((c) => c === 'b').length < 2) throw new Error('fail');
      },
      { attempts: 3, retryDelayMs: 1, onGiveUp: (m) => gaveUp.push(m.eventId) },
    );
    await q.publish({ id: 'a', workspaceId: 'w' });
    await q.publish({ id: 'b', workspaceId: 'w' });
    await q.drain();
    expect(calls.filter((c) => c === 'a')).toHaveLength(3);
    expect(calls.filter((c) => c === 'b')).toHaveLength(2);
    expect(gaveUp).toEqual(['a']);
  });

  it('handles at most `concurrency` messages at once and bounds its backlog', async () => {
    let active = 0;
    let peak = 0;
    const gaveUp: string[] = [];
    const q = createInProcessQueue(
      async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      },
      { concurrency: 3, maxBacklog: 10, onGiveUp: (m) => gaveUp.push(m.eventId) },
    );
    await q.publishMany!(Array.from({ length: 15 }, (_, i) => ({ id: String(i), workspaceId: 'w' })));
    await q.drain();
    expect(peak).toBe(3);
    // 3 taken at once, 10 waiting, the last 2 left for the sweeper.
    expect(gaveUp).toEqual(['13', '14']);
  });

  it('serves workspaces in turn: one workspace’s burst never holds another’s message behind it', async () => {
    const order: string[] = [];
    const q = createInProcessQueue(
      async (m) => {
        order.push(m.eventId);
        await new Promise((r) => setTimeout(r, 1));
      },
      { concurrency: 2 },
    );
    await q.publishMany!(Array.from({ length: 200 }, (_, i) => ({ id: `a${i}`, workspaceId: 'A' })));
    await q.publish({ id: 'b0', workspaceId: 'B' });
    await q.publish({ id: 'c0', workspaceId: 'C' });
    await q.drain();
    expect(order).toHaveLength(202);
    // Two of A's were taken before B's and C's arrived; then each waits for at most one more of A's.
    expect(order.indexOf('b0')).toBeLessThanOrEqual(3);
    expect(order.indexOf('c0')).toBeLessThanOrEqual(5);
    // Within a workspace the order stays first in, first out.
    const a = order.filter((e) => e.startsWith('a'));
    expect(a).toEqual(Array.from({ length: 200 }, (_, i) => `a${i}`));
  });

  it('keeps one spare place beyond its concurrency for a workspace with nothing in flight', async () => {
    const started: string[] = [];
    const { gate, release } = heldGate();
    const q = createInProcessQueue(
      async (m) => {
        started.push(m.eventId);
        await gate;
      },
      { concurrency: 1 },
    );
    await q.publishMany!(Array.from({ length: 4 }, (_, i) => ({ id: `a${i}`, workspaceId: 'A' })));
    await new Promise((r) => setImmediate(r));
    await q.publish({ id: 'b0', workspaceId: 'B' });
    await q.publish({ id: 'b1', workspaceId: 'B' });
    await q.publish({ id: 'c0', workspaceId: 'C' });
    await new Promise((r) => setImmediate(r));
    // B's first message took the spare place at once; B's second and C's wait (the spare is taken).
    expect(started).toEqual(['a0', 'b0']);
    release();
    await q.drain();
    expect(started).toHaveLength(7);
  });

  it('a full backlog leaves the busiest workspace’s newest message to the sweeper, not a quiet workspace’s', async () => {
    const gaveUp: string[] = [];
    const handled: string[] = [];
    const { gate, release } = heldGate();
    const q = createInProcessQueue(
      async (m) => {
        await gate;
        handled.push(m.eventId);
      },
      { concurrency: 1, maxBacklog: 5, onGiveUp: (m) => gaveUp.push(m.eventId) },
    );
    // One taken, five waiting: the backlog is full of A's.
    await q.publishMany!(Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, workspaceId: 'A' })));
    await new Promise((r) => setImmediate(r));
    // C had nothing in flight: it takes the spare place at once, so B's message meets the full backlog.
    await q.publish({ id: 'c0', workspaceId: 'C' });
    await q.publish({ id: 'b0', workspaceId: 'B' });
    await q.publish({ id: 'a6', workspaceId: 'A' });
    release();
    await q.drain();
    expect(gaveUp).toEqual(['a5', 'a6']);
    expect(handled).toEqual(expect.arrayContaining(['b0', 'c0']));
    expect(handled).toHaveLength(7);
  });
});
