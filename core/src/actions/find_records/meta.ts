import { brief, defineActionMeta } from '../define';
import type { FindRecordsAction } from './schema';
import { describeFind } from './where';

export const findRecordsMeta = defineActionMeta<FindRecordsAction>({
  type: 'find_records',
  label: 'Find records',
  description: 'Look up records of an object by their fields.',
  idBase: 'find',
  // One indexed read, a few milliseconds: a local activity (a regular one's scheduling costs more
  // than the query). Transient database errors are retried fast; a read is safe to repeat.
  placement: 'local',
  retry: { maxAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 5_000 },
  timeoutMs: () => 30_000,
  rawFields: [],
  structuralFields: [],
  summary: (a) => brief(describeFind(a), 80),
});
