import { defineTriggerMeta, show } from '../define';
import { recordSample, recordVariables, shapeRecordSample } from '../record-payload';
import type { RecordDeletedTrigger } from './schema';

export const recordDeletedMeta = defineTriggerMeta<RecordDeletedTrigger>({
  type: 'record_deleted',
  label: 'Record deleted',
  source: { kind: 'record', event: 'record.deleted' },
  summary: (t) => `When a ${show(t.object)} is deleted`,
  variables: (t, fields) => recordVariables(t, fields, false),
  sample: (t, at) => recordSample(t, 'deleted', at),
  shapeSample: (t, sample) => shapeRecordSample(t, 'deleted', sample),
});
