import { defineActionMeta } from '../define';
import { RECORD_WRITE_RUNTIME } from '../records';
import type { DeleteRecordAction } from './schema';

export const deleteRecordMeta = defineActionMeta<DeleteRecordAction>({
  type: 'delete_record',
  label: 'Delete record',
  description: 'Delete a record.',
  idBase: 'delete',
  ...RECORD_WRITE_RUNTIME,
  wouldHave: 'Would have deleted this record',
  summary: (a) => `Delete the ${a.object}`,
});
