import { defineTriggerMeta, show } from '../define';
import { recordSample, recordVariables, shapeRecordSample } from '../record-payload';
import type { RecordCreatedTrigger } from './schema';

export const recordCreatedMeta = defineTriggerMeta<RecordCreatedTrigger>({
  type: 'record_created',
  label: 'Record created',
  source: { kind: 'record', event: 'record.created' },
  summary: (t) => `When a ${show(t.object)} is created`,
  variables: (t, fields) => recordVariables(t, fields, false),
  sample: (t, at) => recordSample(t, 'created', at),
  shapeSample: (t, sample) => shapeRecordSample(t, 'created', sample),
});
