import type { z } from 'zod';
import { recordTriggerSchema } from '../record';

export const RecordCreatedTriggerSchema = recordTriggerSchema('record_created');
export type RecordCreatedTrigger = z.infer<typeof RecordCreatedTriggerSchema>;
