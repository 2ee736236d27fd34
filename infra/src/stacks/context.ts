import type { StackContext } from 'sst/constructs';
import { referenceRuntimeConfig, type RuntimeConfig } from '../config';
import { settingsFromEnv, type DeploySettings } from '../settings';

/** Settings for the app's stage and the runtime config referenced inside this stack. */
export function stackSetup({ app, stack }: StackContext): { settings: DeploySettings; config: RuntimeConfig } {
  const settings = settingsFromEnv(app.stage);
  return { settings, config: referenceRuntimeConfig(stack, settings) };
}
