import { defineActionMeta } from '../define';
import { RECORD_WRITE_RUNTIME } from '../records';
import type { UpsertRecordAction } from './schema';

export const upsertRecordMeta = defineActionMeta<UpsertRecordAction>({
  type: 'upsert_record',
  label: 'Create or update record',
  description: 'Update the record whose fields match, or create it.',
  idBase: 'upsert',
  ...RECORD_WRITE_RUNTIME,
  fieldLabels: { match: 'Fields matched on' },
  wouldHave: 'Would have created or updated this record',
  summary: (a) => `Create or update a ${a.object} by ${a.match.join(', ') || '…'}`,
});
