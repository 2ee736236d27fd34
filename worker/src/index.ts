export { createWorker, type ConduitWorker, type CreateWorkerOptions } from './worker';
export { workflowBundleOptions } from './workflow-bundle-options';
export type { Progress } from './workflows/contract';
