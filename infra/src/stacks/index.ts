import type { App } from 'sst/constructs';
import { bundleLambdas } from '../bundle';
import { Api } from './api';
import { Events } from './events';
import { Sweeper } from './sweeper';
import { Web } from './web';
import { Worker } from './worker';

/** Stacks in dependency order; sst.config.ts and the tests mount them through this. */
export const STACKS = [Events, Api, Sweeper, Worker, Web] as const;

/** Bundles the Lambdas (esbuild, async), then mounts the stacks, which only reference the bundles. */
export async function mountStacks(app: App): Promise<void> {
  await bundleLambdas();
  app.setDefaultRemovalPolicy(app.stage === 'prod' ? 'retain' : 'destroy');
  for (const stack of STACKS) app.stack(stack);
}
