import { buildDeps } from '../deps';
import { loadLambdaConfig, once } from './runtime';

/** The app's dependencies, built on the first invocation and reused while the environment is warm. */
export const lambdaDeps = once(async () => buildDeps(await loadLambdaConfig()));
