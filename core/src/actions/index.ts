// The action types: one folder each (schema.ts with zod, meta.ts zod-free), the list in schemas.ts,
// the facts table in meta.ts. See docs/architecture.md for the checklist of adding one.
export * from './common';
export * from './schemas';
export * from './meta';
export { ACTION_OUTPUTS, outputFieldsOf } from './outputs';
export { brief, type ActionMeta, type OutputField, type OutputKind, type Placement } from './define';
export { SendEmailActionSchema, type SendEmailAction } from './send_email/schema';
export { SendWebhookActionSchema, WEBHOOK_MAX_TIMEOUT_MS, type SendWebhookAction } from './send_webhook/schema';
export { CreateRecordActionSchema, type CreateRecordAction } from './create_record/schema';
export { UpdateRecordActionSchema, type UpdateRecordAction } from './update_record/schema';
export { DeleteRecordActionSchema, type DeleteRecordAction } from './delete_record/schema';
export { RunScriptActionSchema, SCRIPT_LIMITS, type RunScriptAction } from './run_script/schema';
export { WaitActionSchema, type WaitAction } from './wait/schema';
export { FindRecordsActionSchema, FIND_LIMIT_MAX, RECORD_OPS, type FindRecordsAction, type OrderBy } from './find_records/schema';
export {
  RECORD_COLUMNS,
  RECORD_OP_WORDS,
  FIELD_PATH,
  describeFind,
  describeWhere,
  fieldLabel,
  isRecordColumn,
  isRecordGroup,
  type RecordColumn,
  type RecordComparison,
  type RecordConditionGroup,
  type RecordConditionNode,
  type RecordOp,
} from './find_records/meta';
export { UpsertRecordActionSchema, type UpsertRecordAction } from './upsert_record/schema';
export { ForEachActionBaseSchema, FOR_EACH_MAX_DEPTH, FOR_EACH_MAX_ITEMS } from './for_each/schema';
export * from './secret-policy';
export { SendWebhookAuthSchema, type SendWebhookAuth } from './send_webhook/auth';
export { CallWorkflowActionSchema, type CallWorkflowAction } from './call_workflow/schema';
export { WaitForApprovalActionSchema, type WaitForApprovalAction } from './wait_for_approval/schema';
