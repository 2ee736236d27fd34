import { defineTriggerMeta, show } from '../define';
import type { RecordDeletedTrigger } from './schema';

export const recordDeletedMeta = defineTriggerMeta<RecordDeletedTrigger>({
  type: 'record_deleted',
  label: 'Record deleted',
  source: { kind: 'record', event: 'record.deleted' },
  summary: (t) => `When a ${show(t.object)} is deleted`,
});
