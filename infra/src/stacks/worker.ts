import { use, type StackContext } from 'sst/constructs';
import { WorkerConstruct } from '../worker';
import { stackSetup } from './context';
import { afterMigrations } from './migrations';
import { Events } from './events';

/** The Temporal worker on ECS Fargate. */
export function Worker(ctx: StackContext) {
  const { settings, config } = stackSetup(ctx);
  afterMigrations(ctx);
  const { events } = use(Events);
  const worker = new WorkerConstruct(ctx.stack, 'Worker', { settings, config, events });
  ctx.stack.addOutputs({ WorkerCluster: worker.cluster.clusterName, WorkerService: worker.service.serviceName });
  return { worker };
}
