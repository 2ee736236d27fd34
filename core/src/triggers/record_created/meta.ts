import { defineTriggerMeta, show } from '../define';
import type { RecordCreatedTrigger } from './schema';

export const recordCreatedMeta = defineTriggerMeta<RecordCreatedTrigger>({
  type: 'record_created',
  label: 'Record created',
  source: { kind: 'record', event: 'record.created' },
  summary: (t) => `When a ${show(t.object)} is created`,
});
