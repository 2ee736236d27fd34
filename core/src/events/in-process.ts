import type { EventHandler, EventQueue } from './queue';
import { createFairBacklog, createInFlight } from '../fairness';
import { needsDispatch, toMessage, type EventMessage, type PublishableEvent } from './message';

export type InProcessQueueOptions = {
  /** Attempts per message before it is left for the sweeper (default 3). */
  attempts?: number;
  /** Delay before the first retry, doubled each time (default 50 ms). */
  retryDelayMs?: number;
  /**
   * Messages handled at once (default 4, EVENT_DISPATCH_CONCURRENCY): few enough that a burst waits
   * here, in turns across workspaces, rather than in the database pool and Temporal, which serve
   * first come, first served; and a burst never starves the process that accepts it.
   */
  concurrency?: number;
  /**
   * Arrivals per second (default 500) above which the process is taking a burst (a webhook flood, a
   * bulk import): messages are then handled `burstConcurrency` at a time (default 1). The ingress,
   * the dispatcher and the runs share one event loop here, so a burst is accepted first and its
   * runs catch up after; dispatch never stops meanwhile. Closed-loop traffic (each sender waiting
   * for its run) arrives at the rate runs complete, far below this.
   */
  burstRate?: number;
  burstConcurrency?: number;
  /** The clock (tests). */
  now?: () => number;
  /** Messages kept waiting in memory (default 10,000); beyond it the busiest workspace's newest are left to the sweeper. */
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
  const concurrency = opts.concurrency ?? 4;
  const maxBacklog = opts.maxBacklog ?? 10_000;
  const arrivals = createRateMeter(opts.now ?? Date.now);
  const burstRate = opts.burstRate ?? 500;
  const burstConcurrency = Math.min(concurrency, opts.burstConcurrency ?? 1);
  const limit = () => (arrivals.perSecond() > burstRate ? burstConcurrency : concurrency);
  // Round-robin across workspaces: a burst of 5,000 events from one never holds another's behind it.
  const backlog = createFairBacklog<EventMessage>();
  const inFlight = createInFlight();
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

  const handle = (message: EventMessage) => {
    active++;
    inFlight.add(message.workspaceId);
    // setImmediate: the publisher finishes its answer before the handler takes the CPU.
    setImmediate(() => {
      void deliver(message).finally(() => {
        active--;
        inFlight.remove(message.workspaceId);
        pump();
        if (active === 0 && backlog.size === 0) {
          const waiting = idle;
          idle = [];
          for (const w of waiting) w();
        }
      });
    });
  };

  const pump = () => {
    while (!stopped && active < limit() && backlog.size > 0) handle(backlog.take()!);
  };

  const enqueue = (e: PublishableEvent) => {
    if (stopped || !needsDispatch(e)) return;
    const message = toMessage(e);
    arrivals.add();
    // One spare place beyond the limit for a workspace with nothing in flight: a quiet workspace's
    // event goes at once instead of waiting for a busy one's to finish (during a burst, up to the
    // usual concurrency and one more: the burst is what is held back, not its neighbours).
    const cap = limit();
    if (active >= cap && active <= concurrency && inFlight.of(message.workspaceId) === 0) {
      handle(message);
      return;
    }
    const dropped = backlog.push(message, maxBacklog);
    if (dropped) opts.onGiveUp?.(dropped, new Error('in-process queue backlog is full'));
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
      backlog.clear();
      if (active > 0) await new Promise<void>((r) => idle.push(r));
    },
    async drain() {
      if (active === 0 && backlog.size === 0) return;
      await new Promise<void>((r) => idle.push(r));
    },
  };
}

const BUCKET_MS = 250;

/** Events per second over the last 250-500 ms: the count of this quarter second and the one before. */
function createRateMeter(now: () => number) {
  let bucket = 0;
  let current = 0;
  let previous = 0;
  const roll = () => {
    const b = Math.floor(now() / BUCKET_MS);
    if (b === bucket) return;
    previous = b === bucket + 1 ? current : 0;
    current = 0;
    bucket = b;
  };
  return {
    add() {
      roll();
      current++;
    },
    perSecond() {
      roll();
      return ((previous + current) * 1000) / (2 * BUCKET_MS);
    },
  };
}
