import { z } from 'zod';
import { ObjectNameSchema } from '../../definition/common';
import { RecordDataSchema, RecordIdSchema, actionBase } from '../common';

export const UpdateRecordActionSchema = z.object({
  ...actionBase,
  type: z.literal('update_record'),
  object: ObjectNameSchema,
  recordId: RecordIdSchema,
  data: RecordDataSchema.refine((d) => Object.keys(d).length > 0, 'give at least one field to update'),
});

export type UpdateRecordAction = z.infer<typeof UpdateRecordActionSchema>;
