import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces carry customer data too (an API's error text, a script's
 * exception): with encodeCommonAttributes they move into the failure's encoded attributes, a
 * payload, which the encryption codec encrypts. Every decoder reads failures written either way, so
 * histories recorded before (the replay fixtures) still replay.
 *
 * Loaded by path (Temporal's worker and workflow bundler take converters as modules), and evaluated
 * inside the workflow sandbox: it imports nothing but @temporalio/common.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
