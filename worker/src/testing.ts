/** What other workspaces' tests take from the worker beyond `@conduit/worker`, as `@conduit/worker/testing`. */
export { redactJson } from './activities/redact';
