/**
 * The parts of functions that tests and the reliability suite assemble themselves, as
 * `@conduit/functions/testing` (the app itself comes from `@conduit/functions`).
 */
export { createRunStarter } from './runs';
export { createDispatcher, createSweeper } from './dispatch';
export { createIngress, generateHookId, generateWebhookSecret, signWebhook } from './ingress';
