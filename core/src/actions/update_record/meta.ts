import { defineActionMeta } from '../define';
import { RECORD_WRITE_RUNTIME } from '../records';
import type { UpdateRecordAction } from './schema';

export const updateRecordMeta = defineActionMeta<UpdateRecordAction>({
  type: 'update_record',
  label: 'Update record',
  description: 'Change fields of a record.',
  idBase: 'update',
  ...RECORD_WRITE_RUNTIME,
  wouldHave: 'Would have updated this record',
  summary: (a) => {
    const fields = Object.keys(a.data ?? {});
    return `Update the ${a.object}${fields.length ? ` (${fields.slice(0, 3).join(', ')}${fields.length > 3 ? ', …' : ''})` : ''}`;
  },
});
