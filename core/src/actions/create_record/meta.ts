import { defineActionMeta } from '../define';
import { RECORD_WRITE_RUNTIME } from '../records';
import type { CreateRecordAction } from './schema';

export const createRecordMeta = defineActionMeta<CreateRecordAction>({
  type: 'create_record',
  label: 'Create record',
  description: 'Create a record of an object.',
  idBase: 'create',
  ...RECORD_WRITE_RUNTIME,
  wouldHave: 'Would have created this record',
  summary: (a) => `Create a ${a.object}`,
});
