import { and, asc, isNull, lt } from 'drizzle-orm';
import { events, type Db } from '@conduit/core/db';
import type { EventQueue } from '@conduit/core/events';
import { MAX_DISPATCH_ATTEMPTS } from './dispatcher';

export type SweeperOptions = {
  /** Events younger than this are left to the normal path (default 5 s). */
  olderThanMs?: number;
  /** At most this many events per sweep (default 500). */
  batchSize?: number;
};

export type Sweeper = {
  /** Re-publishes events stored but not dispatched within the bound. */
  sweepOnce(): Promise<{ republished: number }>;
  /** Sweeps every `intervalMs` until stop(); errors are reported and the next tick tries again. */
  start(intervalMs?: number, onError?: (err: unknown) => void): void;
  stop(): Promise<void>;
};

/**
 * The outbox relay's safety net: a crash between commit and publish, a queue that was down, or a
 * dispatcher that died mid-message all leave dispatched_at null, and this re-sends those events.
 * Dispatch is idempotent, so re-sending an event that is merely slow is harmless.
 */
export function createSweeper(deps: { db: Db; queue: EventQueue }, opts: SweeperOptions = {}): Sweeper {
  const olderThanMs = opts.olderThanMs ?? 5_000;
  const batchSize = opts.batchSize ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function sweepOnce() {
    const cutoff = new Date(Date.now() - olderThanMs);
    // events_undispatched_idx: received_at where dispatched_at is null.
    const rows = await deps.db
      .select({ id: events.id, workspaceId: events.workspaceId })
      .from(events)
      .where(and(isNull(events.dispatchedAt), lt(events.receivedAt, cutoff), lt(events.attempts, MAX_DISPATCH_ATTEMPTS)))
      .orderBy(asc(events.receivedAt))
      .limit(batchSize);
    const due = rows;
    if (due.length === 0) return { republished: 0 };
    if (deps.queue.publishMany) await deps.queue.publishMany(due);
    else for (const e of due) await deps.queue.publish(e);
    return { republished: due.length };
  }

  return {
    sweepOnce,
    start(intervalMs = 5_000, onError) {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = sweepOnce()
          .catch((err: unknown) => onError?.(err))
          .finally(() => (running = undefined));
      }, intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
