import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { App } from 'sst/constructs';
import { bundleLambdas } from '../bundle';
import { resolveSecretArn } from '../secret-arn';
import { settingsFromEnv } from '../settings';
import { Api } from './api';
import { useSettings } from './context';
import { Events } from './events';
import { Migrations } from './migrations';
import { Monitoring } from './monitoring';
import { Sweeper } from './sweeper';
import { Web } from './web';
import { Worker } from './worker';

/** Stacks in dependency order; sst.config.ts and the tests mount them through this. */
export const STACKS = [Migrations, Events, Api, Sweeper, Web, Worker, Monitoring] as const;

/**
 * Resolves the settings (the runtime secret's complete ARN, from its name, with the deploy's own AWS
 * credentials), bundles the Lambdas (esbuild), then mounts the stacks, which only reference both.
 */
export async function mountStacks(app: App, opts: { secretsManager?: SecretsManagerClient } = {}): Promise<void> {
  const settings = settingsFromEnv(app.stage);
  const secretsManager = opts.secretsManager ?? new SecretsManagerClient({ region: app.region });
  useSettings(app, { ...settings, secret: await resolveSecretArn(settings.secret, secretsManager) });
  await bundleLambdas();
  app.setDefaultRemovalPolicy(app.stage === 'prod' ? 'retain' : 'destroy');
  for (const stack of STACKS) app.stack(stack);
}
