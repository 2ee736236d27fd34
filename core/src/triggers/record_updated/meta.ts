import { defineTriggerMeta, show } from '../define';
import { recordSample, recordVariables, shapeRecordSample } from '../record-payload';
import type { RecordUpdatedTrigger } from './schema';

export const recordUpdatedMeta = defineTriggerMeta<RecordUpdatedTrigger>({
  type: 'record_updated',
  label: 'Record updated',
  source: { kind: 'record', event: 'record.updated' },
  summary: (t) => `When a ${show(t.object)} is updated`,
  variables: (t, fields) => recordVariables(t, fields, true),
  sample: (t, at) => recordSample(t, 'updated', at),
  shapeSample: (t, sample) => shapeRecordSample(t, 'updated', sample),
});
