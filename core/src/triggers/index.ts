// The trigger types: one folder each (schema.ts with zod, meta.ts zod-free), the list in schemas.ts,
// the facts table in meta.ts. See docs/architecture.md for the checklist of adding one.
export * from './schemas';
export * from './meta';
export type { TriggerMeta, TriggerSource, TriggerVariable } from './define';
export { ScheduleTriggerSchema, cronError, isValidTimeZone, type ScheduleTrigger } from './schedule/schema';
export { WebhookAuthSchema, WebhookTriggerSchema, type WebhookTrigger } from './webhook/schema';
export * from './webhook/refusals';
export { RecordCreatedTriggerSchema, type RecordCreatedTrigger } from './record_created/schema';
export { RecordUpdatedTriggerSchema, type RecordUpdatedTrigger } from './record_updated/schema';
export { RecordDeletedTriggerSchema, type RecordDeletedTrigger } from './record_deleted/schema';
export { FieldChangedTriggerSchema, type FieldChangedTrigger } from './field_changed/schema';
export { ManualTriggerSchema, type ManualTrigger } from './manual/schema';
export { manualPayload } from './manual/meta';
export { RunFailedTriggerSchema, type RunFailedTrigger } from './run_failed/schema';
export type { RunFailedPayload } from './run_failed/meta';
