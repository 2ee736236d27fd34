import type { z } from 'zod';
import { recordTriggerSchema } from '../record';

export const RecordUpdatedTriggerSchema = recordTriggerSchema('record_updated');
export type RecordUpdatedTrigger = z.infer<typeof RecordUpdatedTriggerSchema>;
