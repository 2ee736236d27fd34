import { z } from 'zod';
import { ObjectNameSchema } from '../../definition/common';
import { RecordDataSchema, actionBase } from '../common';

export const CreateRecordActionSchema = z.object({
  ...actionBase,
  type: z.literal('create_record'),
  object: ObjectNameSchema,
  data: RecordDataSchema,
});

export type CreateRecordAction = z.infer<typeof CreateRecordActionSchema>;
