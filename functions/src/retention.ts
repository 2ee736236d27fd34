import type { Db } from '@conduit/core/db';
import { pruneExpiredRuns, pruneStoredPayloads, type PruneOptions } from '@conduit/core/domain';
import type { Logger } from '@conduit/core/logging';
import { startPeriodic, type Periodic } from '@conduit/core/periodic';

export type RetentionJob = {
  /**
   * One pass over every workspace, then the Temporal payloads stored in the database that no run
   * can need any more; stops starting batches after `budgetMs` (the next pass carries on).
   */
  pruneOnce(): Promise<Awaited<ReturnType<typeof pruneExpiredRuns>> & { payloads: number }>;
  /** A pass now, then one every `intervalMs`. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
};

/**
 * The scheduled deletion of finished runs, their steps and events past each workspace's retention
 * (core/src/domain/retention.ts says what is never deleted). Runs in the local stack on a timer
 * and in the cloud from the sweeper Lambda on an hourly EventBridge rule.
 */
export function createRetentionJob(
  deps: { db: Db; log?: Logger },
  opts: { batchSize?: number; budgetMs?: number; onBatch?: PruneOptions['onBatch'] } = {},
): RetentionJob {
  let periodic: Periodic | undefined;
  async function pruneOnce() {
    const deadline = opts.budgetMs !== undefined ? Date.now() + opts.budgetMs : Number.POSITIVE_INFINITY;
    const runs = await pruneExpiredRuns(deps.db, {
      ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
      ...(opts.budgetMs !== undefined ? { deadline: new Date(deadline) } : {}),
      ...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
    });
    const batch = opts.batchSize ?? 500;
    let payloads = 0;
    let done = runs.done;
    // Then the stored payloads, in batches, within what is left of the budget.
    while (done) {
      if (Date.now() >= deadline) {
        done = false;
        break;
      }
      const n = await pruneStoredPayloads(deps.db, { limit: batch });
      payloads += n;
      if (n < batch) break;
    }
    const result = { ...runs, payloads, done };
    if (result.executions + result.steps + result.events + payloads > 0 || !result.done) deps.log?.info('retention: pruned old runs', result);
    return result;
  }
  return {
    pruneOnce,
    start(intervalMs) {
      // A first pass at once: a laptop's stack may never stay up for a whole interval.
      periodic ??= startPeriodic(
        pruneOnce,
        intervalMs,
        (err) => deps.log?.warn('retention pass failed', { error: err instanceof Error ? err.message : String(err) }),
        { runAtStart: true },
      );
    },
    async stop() {
      await periodic?.stop();
      periodic = undefined;
    },
  };
}
