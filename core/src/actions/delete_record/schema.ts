import { z } from 'zod';
import { ObjectNameSchema } from '../../definition/common';
import { RecordIdSchema, actionBase } from '../common';

export const DeleteRecordActionSchema = z.object({
  ...actionBase,
  type: z.literal('delete_record'),
  object: ObjectNameSchema,
  recordId: RecordIdSchema,
});

export type DeleteRecordAction = z.infer<typeof DeleteRecordActionSchema>;
