import { defineTriggerMeta, show } from '../define';
import type { RecordUpdatedTrigger } from './schema';

export const recordUpdatedMeta = defineTriggerMeta<RecordUpdatedTrigger>({
  type: 'record_updated',
  label: 'Record updated',
  source: { kind: 'record', event: 'record.updated' },
  summary: (t) => `When a ${show(t.object)} is updated`,
});
