import { use, type StackContext } from 'sst/constructs';
import { WorkerConstruct } from '../worker';
import { stackSetup } from './context';
import { afterMigrations } from './migrations';
import { Events } from './events';
import { Web } from './web';

/** The Temporal worker on ECS Fargate. */
export function Worker(ctx: StackContext) {
  const { settings, config } = stackSetup(ctx);
  afterMigrations(ctx);
  const { events } = use(Events);
  // Approval and alert mails link to the app: the distribution's address unless a custom domain is set.
  const { web } = use(Web);
  const worker = new WorkerConstruct(ctx.stack, 'Worker', { settings, config, events, appUrl: web.url });
  ctx.stack.addOutputs({ WorkerCluster: worker.cluster.clusterName, WorkerService: worker.service.serviceName });
  return { worker };
}
