// The action types: one folder each (schema.ts with zod, meta.ts zod-free), the list in schemas.ts,
// the facts table in meta.ts. See docs/architecture.md for the checklist of adding one.
export * from './common';
export * from './schemas';
export * from './meta';
export { brief, type ActionMeta, type Placement } from './define';
export { SendEmailActionSchema, type SendEmailAction } from './send_email/schema';
export { SendWebhookActionSchema, WEBHOOK_MAX_TIMEOUT_MS, type SendWebhookAction } from './send_webhook/schema';
export { CreateRecordActionSchema, type CreateRecordAction } from './create_record/schema';
export { UpdateRecordActionSchema, type UpdateRecordAction } from './update_record/schema';
export { DeleteRecordActionSchema, type DeleteRecordAction } from './delete_record/schema';
export { RunScriptActionSchema, SCRIPT_LIMITS, type RunScriptAction } from './run_script/schema';
export { WaitActionSchema, type WaitAction } from './wait/schema';
export { WaitForApprovalActionSchema, type WaitForApprovalAction } from './wait_for_approval/schema';
