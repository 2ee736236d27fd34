import type { EventHandler, EventQueue } from './queue';
import { toMessage, type EventMessage, type PublishableEvent } from './message';

export type InProcessQueueOptions = {
  /** Attempts per message before it is left for the sweeper (default 3). */
  attempts?: number;
  /** Delay before the first retry, doubled each time (default 50 ms). */
  retryDelayMs?: number;
  /** Called when a message is given up on (it stays undispatched; the sweeper picks it up). */
  onGiveUp?: (message: EventMessage, error: unknown) => void;
};

export type InProcessQueue = EventQueue & {
  /** Resolves when every published message has been handled or given up on (tests, shutdown). */
  drain(): Promise<void>;
};

/**
 * The embedded default: publish returns at once and the handler (the dispatcher) runs on the next
 * tick, so the caller's answer never waits for runs to start. Errors are retried a few times with
 * backoff, then left: the event row stays undispatched and the sweeper re-publishes it.
 */
export function createInProcessQueue(handler: EventHandler, opts: InProcessQueueOptions = {}): InProcessQueue {
  const attempts = opts.attempts ?? 3;
  const baseDelay = opts.retryDelayMs ?? 50;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const deliver = async (message: EventMessage) => {
    for (let attempt = 1; ; attempt++) {
      if (stopped) return;
      try {
        await handler(message);
        return;
      } catch (err) {
        if (attempt >= attempts) {
          opts.onGiveUp?.(message, err);
          return;
        }
        await new Promise((r) => setTimeout(r, baseDelay * 2 ** (attempt - 1)));
      }
    }
  };

  const enqueue = (e: PublishableEvent) => {
    if (stopped) return;
    const message = toMessage(e);
    const p: Promise<void> = new Promise<void>((r) => setImmediate(r)).then(() => deliver(message));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  return {
    kind: 'in-process',
    async publish(e) {
      enqueue(e);
    },
    async publishMany(es) {
      for (const e of es) enqueue(e);
    },
    start() {
      stopped = false;
    },
    async stop() {
      stopped = true;
      await Promise.allSettled([...inFlight]);
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
