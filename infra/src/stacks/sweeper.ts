import { use, type StackContext } from 'sst/constructs';
import { SweeperConstruct } from '../sweeper';
import { stackSetup } from './context';
import { afterMigrations } from './migrations';
import { Events } from './events';

/** The outbox sweeper on a schedule. */
export function Sweeper(ctx: StackContext) {
  const { settings, config } = stackSetup(ctx);
  afterMigrations(ctx);
  const { events } = use(Events);
  return { sweeper: new SweeperConstruct(ctx.stack, 'Sweeper', { settings, config, events }) };
}
