import type { RetryPolicy } from './common';

/** Record writes are quick SQL in the worker: a local activity, transient errors retried fast. */
export const RECORD_WRITE_RUNTIME = {
  placement: 'local',
  retry: { maxAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 5_000 } satisfies RetryPolicy,
  timeoutMs: () => 30_000,
  rawFields: [],
  structuralFields: [],
} as const;
