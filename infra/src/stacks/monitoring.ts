import { use, type StackContext } from 'sst/constructs';
import { DashboardConstruct } from '../dashboard';
import { Api } from './api';
import { stackSetup } from './context';
import { Events } from './events';
import { Worker } from './worker';

/** The operator's dashboard over the other stacks (their alarms live with their resources). */
export function Monitoring(ctx: StackContext) {
  const { settings } = stackSetup(ctx);
  const { events } = use(Events);
  const { api } = use(Api);
  const { worker } = use(Worker);
  const dashboard = new DashboardConstruct(ctx.stack, 'Dashboard', { settings, events, api, worker });
  return { dashboard };
}
