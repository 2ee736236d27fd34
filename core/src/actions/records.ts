import type { RetryPolicy } from './common';
import type { OutputField } from './define';

/** The output fields every record step has (create, update, delete, upsert), before its own. */
export const RECORD_OUTPUT: readonly OutputField[] = [
  { key: 'id', kind: 'text', description: 'the record id' },
  { key: 'object', kind: 'text', description: 'its object' },
  { key: 'record', kind: 'object', description: 'the record: its fields and id' },
];

/** Record writes are quick SQL in the worker: a local activity, transient errors retried fast. */
export const RECORD_WRITE_RUNTIME = {
  placement: 'local',
  retry: { maxAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 5_000 } satisfies RetryPolicy,
  timeoutMs: () => 30_000,
  rawFields: [],
  structuralFields: [],
} as const;
