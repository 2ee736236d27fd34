import type { OutputField } from './define';
import type { ActionType } from './schemas';
import { output as callWorkflow } from './call_workflow/output';
import { output as condition } from './condition/output';
import { output as createRecord } from './create_record/output';
import { output as deleteRecord } from './delete_record/output';
import { output as findRecords } from './find_records/output';
import { output as forEach } from './for_each/output';
import { output as runScript } from './run_script/output';
import { output as sendEmail } from './send_email/output';
import { output as sendWebhook } from './send_webhook/output';
import { output as updateRecord } from './update_record/output';
import { output as upsertRecord } from './upsert_record/output';
import { output as wait } from './wait/output';
import { output as waitForApproval } from './wait_for_approval/output';

/**
 * Each type's output fields (in its folder, `output.ts`): the variable picker offers them before any
 * test run, and a loop over a whole output known not to be a list is flagged. Apart from ACTION_META
 * on purpose: the first page load needs the metas, only the builder these (issue 18's 100 KB).
 * Typed over ActionType, so a new type fails to compile until it declares its output.
 */
export const ACTION_OUTPUTS: { readonly [K in ActionType]: readonly OutputField[] | null } = {
  call_workflow: callWorkflow,
  condition: condition,
  create_record: createRecord,
  delete_record: deleteRecord,
  find_records: findRecords,
  for_each: forEach,
  run_script: runScript,
  send_email: sendEmail,
  send_webhook: sendWebhook,
  update_record: updateRecord,
  upsert_record: upsertRecord,
  wait: wait,
  wait_for_approval: waitForApproval,
};

/** A type's output fields; null when its output has no fixed shape (a script's return value) or the type is unknown. */
export const outputFieldsOf = (type: string): readonly OutputField[] | null => (ACTION_OUTPUTS as Record<string, readonly OutputField[] | null>)[type] ?? null;
