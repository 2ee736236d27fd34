import { createSweeper } from '../dispatch';
import { lambdaDb, lambdaLogger, lambdaQueue } from './services';
import { once } from './runtime';

const sweeper = once(async () => {
  const [{ db }, queue, log] = await Promise.all([lambdaDb(), lambdaQueue(), lambdaLogger()]);
  return { sweeper: createSweeper({ db, queue, log }), log };
});

/** EventBridge schedule → one outbox sweep: re-sends events stored but never dispatched. */
export const handler = async (): Promise<{ republished: number }> => {
  const { sweeper: s, log } = await sweeper();
  const result = await s.sweepOnce();
  log.info('outbox sweep', result);
  return result;
};
