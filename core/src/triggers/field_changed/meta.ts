import { defineTriggerMeta, show } from '../define';
import { recordSample, recordVariables, shapeRecordSample } from '../record-payload';
import type { FieldChangedTrigger } from './schema';

export const fieldChangedMeta = defineTriggerMeta<FieldChangedTrigger>({
  type: 'field_changed',
  label: 'Field changed',
  // An update event; the dispatcher then compares the field's old and new values.
  source: { kind: 'record', event: 'record.updated' },
  summary: (t) => {
    const from = t.from !== undefined ? ` from ${show(t.from)}` : '';
    const to = t.to !== undefined ? ` to ${show(t.to)}` : '';
    return `When a ${show(t.object)}'s ${show(t.field)} changes${from}${to}`;
  },
  variables: (t, fields) => recordVariables(t, fields, true),
  sample: (t, at) => recordSample(t, 'updated', at),
  shapeSample: (t, sample) => shapeRecordSample(t, 'updated', sample),
});
