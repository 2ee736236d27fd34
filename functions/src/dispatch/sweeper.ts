import type { Db } from '@conduit/core/db';
import { eventsDueForSweep, markEventsSwept } from '@conduit/core/domain';
import type { EventQueue } from '@conduit/core/events';
import type { Logger } from '@conduit/core/logging';
import { startPeriodic, type Periodic } from '@conduit/core/periodic';
import { MAX_DISPATCH_ATTEMPTS } from './dispatcher';

export type SweeperOptions = {
  /** Events younger than this are left to the normal path (default 5 s). */
  olderThanMs?: number;
  /** At most this many events per sweep (default 500). */
  batchSize?: number;
  /** Longest wait between two re-sends of the same event (default 5 minutes). */
  maxBackoffMs?: number;
  /** Events per publish call (default 50); each slice is counted as soon as it is sent. */
  sliceSize?: number;
};

export type Sweeper = {
  /** Re-publishes events stored but not dispatched within the bound. */
  sweepOnce(): Promise<{ republished: number }>;
  /** Sweeps every `intervalMs` until stop(); errors go to `onError` (default: logged) and the next tick tries again. */
  start(intervalMs?: number, onError?: (err: unknown) => void): void;
  stop(): Promise<void>;
};

/**
 * The outbox relay's safety net: a crash between commit and publish, a queue that was down, or a
 * dispatcher that died mid-message all leave dispatched_at null, and this re-sends those events.
 * Dispatch is idempotent, so re-sending an event that is merely slow is harmless; each re-send of
 * the same event waits twice as long as the last (up to maxBackoffMs), so a backlog that is only
 * slow is not flooded with copies of itself.
 */
export function createSweeper(deps: { db: Db; queue: EventQueue; log?: Logger }, opts: SweeperOptions = {}): Sweeper {
  const olderThanMs = opts.olderThanMs ?? 5_000;
  const batchSize = opts.batchSize ?? 500;
  const maxBackoffMs = opts.maxBackoffMs ?? 300_000;
  const sliceSize = Math.max(1, opts.sliceSize ?? 50);
  let periodic: Periodic | undefined;

  async function sweepOnce() {
    const cutoff = new Date(Date.now() - olderThanMs);
    const due = await eventsDueForSweep(deps.db, { cutoff, olderThanMs, maxBackoffMs, maxAttempts: MAX_DISPATCH_ATTEMPTS, limit: batchSize });
    let republished = 0;
    for (let i = 0; i < due.length; i += sliceSize) {
      const slice = due.slice(i, i + sliceSize);
      try {
        if (deps.queue.publishMany) await deps.queue.publishMany(slice);
        else for (const e of slice) await deps.queue.publish(e);
      } catch (err) {
        if (republished === 0) throw err;
        throw new Error(`the queue failed after ${republished} of ${due.length} re-sends: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      // Counted once sent, slice by slice: a queue that is down never uses up an event's quick
      // re-sends, and one that fails halfway keeps what got through (not sent again at once).
      await markEventsSwept(
        deps.db,
        slice.map((e) => e.id),
      );
      republished += slice.length;
    }
    return { republished };
  }

  return {
    sweepOnce,
    start(intervalMs = 5_000, onError) {
      periodic ??= startPeriodic(sweepOnce, intervalMs, (err) =>
        onError ? onError(err) : deps.log?.warn('outbox sweep failed', { error: err instanceof Error ? err.message : String(err) }),
      );
    },
    async stop() {
      await periodic?.stop();
      periodic = undefined;
    },
  };
}
