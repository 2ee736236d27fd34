import type { ActionType } from '@conduit/core/definition';
import { createRecordAction } from './create-record';
import { deleteRecordAction } from './delete-record';
import { findRecordsAction } from './find-records';
import { runScriptAction } from './run-script';
import { sendEmail } from './send-email';
import { sendWebhook } from './send-webhook';
import { updateRecordAction } from './update-record';
import { upsertRecordAction } from './upsert-record';
import type { ActionHandler } from './types';

/**
 * One entry per action type: adding a type to the definition fails to compile here until it is
 * handled. `null` marks types the workflow itself evaluates (no I/O).
 */
export const ACTION_HANDLERS: { [T in ActionType]: ActionHandler<T> | null } = {
  send_email: sendEmail,
  send_webhook: sendWebhook,
  create_record: createRecordAction,
  update_record: updateRecordAction,
  delete_record: deleteRecordAction,
  run_script: runScriptAction,
  wait: null,
  wait_for_approval: null,
  condition: null,
  find_records: findRecordsAction,
  upsert_record: upsertRecordAction,
  for_each: null,
  call_workflow: null,
};
