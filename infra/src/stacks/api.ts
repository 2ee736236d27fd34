import { use, type StackContext } from 'sst/constructs';
import { ApiConstruct } from '../api';
import { stackSetup } from './context';
import { afterMigrations } from './migrations';
import { Events } from './events';

/** The settings API and the webhook ingress behind one HTTP API. */
export function Api(ctx: StackContext) {
  const { settings, config } = stackSetup(ctx);
  afterMigrations(ctx);
  const { events } = use(Events);
  const api = new ApiConstruct(ctx.stack, 'Api', { settings, config, events });
  return { api };
}
