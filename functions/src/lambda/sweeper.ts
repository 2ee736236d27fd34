import { createSweeper } from '../dispatch';
import { lambdaDeps } from './deps';
import { logJson, once } from './runtime';

const sweeper = once(async () => createSweeper(await lambdaDeps()));

/** EventBridge schedule → one outbox sweep: re-sends events committed but never dispatched. */
export const handler = async (): Promise<unknown> => {
  const result = await (await sweeper()).sweepOnce();
  logJson('info', 'outbox sweep', { result });
  return result;
};
