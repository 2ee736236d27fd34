import { z } from 'zod';
import { createSweeper } from '../dispatch';
import { createRetentionJob, type RetentionJob } from '../retention';
import { lambdaDb, lambdaLogger, lambdaQueue } from './services';
import { once } from './runtime';
import { createRunPromoter } from '@conduit/core/run-promoter';
import { lazyRunStarter } from './temporal';

const jobs = once(async () => {
  const [{ db }, queue, log] = await Promise.all([lambdaDb(), lambdaQueue(), lambdaLogger()]);
  // 40 s of a 50 s timeout: a pass cut short by the budget carries on at the next hourly tick.
  const promoter = createRunPromoter({ db, runs: lazyRunStarter(db), log });
  return { sweeper: createSweeper({ db, queue, log }), retention: createRetentionJob({ db, log }, { budgetMs: 40_000 }), promoter, log };
});

/** The hourly rule's constant input names the retention job; the every-minute rule sends EventBridge's own event. */
const RetentionEventSchema = z.object({ job: z.literal('retention') });

/**
 * EventBridge schedules → one outbox sweep (re-sends events stored but never dispatched), or, for
 * the retention rule, one retention pass (deletes finished runs past each workspace's retention).
 */
export const handler = async (event: unknown): Promise<{ republished: number } | { pruned: Awaited<ReturnType<RetentionJob['pruneOnce']>> }> => {
  const { sweeper: s, retention, promoter, log } = await jobs();
  if (RetentionEventSchema.safeParse(event).success) return { pruned: await retention.pruneOnce() };
  const result = await s.sweepOnce();
  // A queued run waits at most a minute even when no event arrives to promote it.
  const promoted = await promoter.promoteOnce();
  log.info('outbox sweep', { ...result, promoted: promoted.started });
  return result;
};
