export { createWorker, type ConduitWorker, type CreateWorkerOptions } from './worker';
export { workflowBundleOptions } from './workflow-bundle-options';
export { createActivities, type ActivityDeps, type EventPublisher, type Logger } from './activities';
export { createMailer, type Mailer, type Mail } from './activities/mailer';
export { createSafeHttp, addressProblem, type SafeHttp } from './activities/safe-http';
export { ScriptSandbox, SANDBOX_LIMITS } from './activities/sandbox';
export type { RunSummary, Progress, StepView } from './workflows/contract';
