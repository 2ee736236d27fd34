import type { EventHandler, EventQueue } from './queue';
import { toMessage, type EventMessage, type PublishableEvent } from './message';

export type InProcessQueueOptions = {
  /** Attempts per message before it is left for the sweeper (default 3). */
  attempts?: number;
  /** Delay before the first retry, doubled each time (default 50 ms). */
  retryDelayMs?: number;
  /** Messages handled at once (default 16): a burst of events never starves the process that accepts them. */
  concurrency?: number;
  /** Messages kept waiting in memory (default 10,000); beyond it they are left to the sweeper. */
  maxBacklog?: number;
  /** Called when a message is given up on (it stays undispatched; the sweeper picks it up). */
  onGiveUp?: (message: EventMessage, error: unknown) => void;
};

export type InProcessQueue = EventQueue & {
  /** Resolves when every published message has been handled or given up on (tests, shutdown). */
  drain(): Promise<void>;
};

/**
 * The embedded default: publish returns at once and the handler (the dispatcher) runs soon after,
 * so the caller's answer never waits for runs to start. Errors are retried a few times with
 * backoff, then left: the event row stays undispatched and the sweeper re-publishes it. Nothing
 * here is durable, and nothing needs to be: the event row is.
 */
export function createInProcessQueue(handler: EventHandler, opts: InProcessQueueOptions = {}): InProcessQueue {
  const attempts = opts.attempts ?? 3;
  const baseDelay = opts.retryDelayMs ?? 50;
  const concurrency = opts.concurrency ?? 16;
  const maxBacklog = opts.maxBacklog ?? 10_000;
  const backlog: EventMessage[] = [];
  let active = 0;
  let stopped = false;
  let idle: Array<() => void> = [];

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

  const pump = () => {
    while (!stopped && active < concurrency && backlog.length > 0) {
      const message = backlog.shift()!;
      active++;
      // setImmediate: the publisher finishes its answer before the handler takes the CPU.
      setImmediate(() => {
        void deliver(message).finally(() => {
          active--;
          pump();
          if (active === 0 && backlog.length === 0) {
            const waiting = idle;
            idle = [];
            for (const w of waiting) w();
          }
        });
      });
    }
  };

  const enqueue = (e: PublishableEvent) => {
    if (stopped) return;
    const message = toMessage(e);
    if (backlog.length >= maxBacklog) {
      opts.onGiveUp?.(message, new Error('in-process queue backlog is full'));
      return;
    }
    backlog.push(message);
    pump();
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
      pump();
    },
    async stop() {
      stopped = true;
      backlog.length = 0;
      if (active > 0) await new Promise<void>((r) => idle.push(r));
    },
    async drain() {
      if (active === 0 && backlog.length === 0) return;
      await new Promise<void>((r) => idle.push(r));
    },
  };
}
