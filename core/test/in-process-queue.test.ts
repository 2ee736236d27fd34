import { describe, expect, it } from 'vitest';
import { createInProcessQueue, type EventMessage } from '../src/events';

/**
 * The embedded queue's burst mode (pure scheduling logic, so a fake handler and clock): while
 * events arrive faster than `burstRate`, one is dispatched at a time so the process keeps
 * accepting; otherwise `concurrency` at once; a quiet workspace still goes at once.
 */
function harness(opts: { concurrency?: number; burstRate?: number } = {}) {
  let clock = 1_000_000;
  const running: Array<{ message: EventMessage; done: () => void }> = [];
  const queue = createInProcessQueue(
    (message) =>
      new Promise<void>((done) => {
        running.push({ message, done });
      }),
    { concurrency: opts.concurrency ?? 4, burstRate: opts.burstRate ?? 100, now: () => clock },
  );
  const publish = (workspaceId: string, n: number, stepMs = 0) => {
    for (let i = 0; i < n; i++) {
      void queue.publish({ id: `${workspaceId}-${i}-${clock}`, workspaceId });
      clock += stepMs;
    }
  };
  /** Lets setImmediate-scheduled handlers start. */
  const settle = () => new Promise((r) => setTimeout(r, 5));
  const finishOne = async () => {
    running.shift()?.done();
    await settle();
  };
  return {
    queue,
    publish,
    settle,
    finishOne,
    running: () => running.map((r) => r.message.workspaceId),
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('in-process queue under a burst', () => {
  it('dispatches at full concurrency when events arrive slower than the burst rate', async () => {
    const h = harness();
    h.publish('ws-a', 10, 50); // 20 per second
    await h.settle();
    expect(h.running()).toHaveLength(4);
  });

  it('dispatches one at a time while a burst arrives, and goes back to full concurrency once it is over', async () => {
    const h = harness();
    h.publish('ws-a', 300); // all at once: far above 100 per second
    await h.settle();
    // The first four went before the meter saw a burst; then none is added until fewer than one runs.
    expect(h.running()).toHaveLength(4);
    for (let i = 0; i < 4; i++) await h.finishOne();
    expect(h.running()).toHaveLength(1);
    await h.finishOne();
    expect(h.running()).toHaveLength(1);
    h.advance(600); // no arrivals for longer than the meter's window: the burst is over
    await h.finishOne();
    expect(h.running()).toHaveLength(4);
  });

  it("a quiet workspace's event goes at once beside a burst from another", async () => {
    const h = harness();
    h.publish('ws-a', 300);
    h.publish('ws-b', 1);
    await h.settle();
    expect(h.running()).toEqual(['ws-a', 'ws-a', 'ws-a', 'ws-a', 'ws-b']);
    // The burst's first four done, B holds the one place; when it is done A goes on, one at a time.
    for (let i = 0; i < 4; i++) await h.finishOne();
    expect(h.running()).toEqual(['ws-b']);
    await h.finishOne();
    expect(h.running()).toEqual(['ws-a']);
  });

  it('an event written already dispatched (a record change nobody listens to) is not delivered', async () => {
    const h = harness();
    await h.queue.publish({ id: 'settled', workspaceId: 'ws-a', dispatchedAt: new Date() });
    await h.queue.publishMany?.([
      { id: 'settled-2', workspaceId: 'ws-a', dispatchedAt: new Date() },
      { id: 'pending', workspaceId: 'ws-b', dispatchedAt: null },
    ]);
    await h.settle();
    expect(h.running()).toEqual(['ws-b']);
  });
});
