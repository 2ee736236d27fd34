import type { App, StackContext } from 'sst/constructs';
import { referenceRuntimeConfig, type RuntimeConfig } from '../config';
import type { DeploySettings } from '../settings';

/** The app's settings, resolved once by mountStacks (the secret's complete ARN needs an AWS call). */
const resolved = new WeakMap<App, DeploySettings>();

export function useSettings(app: App, settings: DeploySettings): void {
  resolved.set(app, settings);
}

/** Settings for the app's stage and the runtime config referenced inside this stack. */
export function stackSetup({ app, stack }: StackContext): { settings: DeploySettings; config: RuntimeConfig } {
  const settings = resolved.get(app);
  if (!settings) throw new Error('stacks are mounted through mountStacks (infra/src/stacks), which resolves the settings first');
  return { settings, config: referenceRuntimeConfig(stack, settings) };
}
