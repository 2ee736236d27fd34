import { z } from 'zod';
import { FieldChangedTriggerSchema } from './field_changed/schema';
import { ManualTriggerSchema } from './manual/schema';
import { RecordCreatedTriggerSchema } from './record_created/schema';
import { RecordDeletedTriggerSchema } from './record_deleted/schema';
import { RecordUpdatedTriggerSchema } from './record_updated/schema';
import { RunFailedTriggerSchema } from './run_failed/schema';
import { ScheduleTriggerSchema } from './schedule/schema';
import { WebhookTriggerSchema } from './webhook/schema';

/**
 * THE list of trigger types. The meta table beside this file and the web's trigger forms are typed
 * over the union derived from it and fail to compile until they cover a new type.
 */
const TRIGGER_SCHEMAS = [
  ScheduleTriggerSchema,
  WebhookTriggerSchema,
  RecordCreatedTriggerSchema,
  RecordUpdatedTriggerSchema,
  RecordDeletedTriggerSchema,
  FieldChangedTriggerSchema,
  ManualTriggerSchema,
  RunFailedTriggerSchema,
] as const;

export const WorkflowTriggerSchema = z.discriminatedUnion('type', TRIGGER_SCHEMAS);
export type WorkflowTrigger = z.infer<typeof WorkflowTriggerSchema>;
export type TriggerType = WorkflowTrigger['type'];
export type TriggerOf<T extends TriggerType> = Extract<WorkflowTrigger, { type: T }>;

/** Every trigger type, in the order the builder offers them. */
export const TRIGGER_TYPES = TRIGGER_SCHEMAS.map((s) => s.shape.type.value) as [TriggerType, ...TriggerType[]];
