/** What the bench takes from infra to measure the Lambda bundles, as `@conduit/infra/testing`. */
export { LAMBDA_ENTRIES } from './bundle';
export { MAX_BUNDLE_BYTES, MAX_BUNDLE_TOTAL_BYTES, measureLambda } from './measure';
