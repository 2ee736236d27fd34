import { createSweeper } from '../dispatch';
import { lambdaDb, lambdaQueue } from './services';
import { logJson, once } from './runtime';

const sweeper = once(async () => {
  const [{ db }, queue] = await Promise.all([lambdaDb(), lambdaQueue()]);
  return createSweeper({ db, queue });
});

/** EventBridge schedule → one outbox sweep: re-sends events stored but never dispatched. */
export const handler = async (): Promise<{ republished: number }> => {
  const result = await (await sweeper()).sweepOnce();
  logJson('info', 'outbox sweep', result);
  return result;
};
