import type { z } from 'zod';
import { recordTriggerSchema } from '../record';

export const RecordDeletedTriggerSchema = recordTriggerSchema('record_deleted');
export type RecordDeletedTrigger = z.infer<typeof RecordDeletedTriggerSchema>;
