/**
 * The per-type facts as one table, zod-free: the workflow bundle, the worker, the API and the
 * browser read it. Typed over ActionType (derived from the schema list in ./schemas.ts), so a type
 * listed there without an entry here, or an entry for no type, fails to compile.
 */
import { callWorkflowMeta } from './call_workflow/meta';
import { conditionMeta } from './condition/meta';
import { forEachMeta } from './for_each/meta';
import { createRecordMeta } from './create_record/meta';
import { COMMON_RAW_FIELDS, COMMON_STRUCTURAL_FIELDS, type ActionMeta, type Placement } from './define';
import { deleteRecordMeta } from './delete_record/meta';
import { findRecordsMeta } from './find_records/meta';
import { runScriptMeta } from './run_script/meta';
import type { ActionOf, ActionType, WorkflowAction } from './schemas';
import { sendEmailMeta } from './send_email/meta';
import { sendWebhookMeta } from './send_webhook/meta';
import { updateRecordMeta } from './update_record/meta';
import { upsertRecordMeta } from './upsert_record/meta';
import { waitMeta } from './wait/meta';
import { waitForApprovalMeta } from './wait_for_approval/meta';
import type { RetryPolicy } from './common';

export { LOCAL_SCRIPT_MAX_CPU_MS } from './run_script/meta';

export const ACTION_META: { readonly [T in ActionType]: ActionMeta<ActionOf<T>> } = {
  send_email: sendEmailMeta,
  send_webhook: sendWebhookMeta,
  create_record: createRecordMeta,
  update_record: updateRecordMeta,
  delete_record: deleteRecordMeta,
  run_script: runScriptMeta,
  wait: waitMeta,
  find_records: findRecordsMeta,
  upsert_record: upsertRecordMeta,
  call_workflow: callWorkflowMeta,
  wait_for_approval: waitForApprovalMeta,
  condition: conditionMeta,
  for_each: forEachMeta,
};

/**
 * The entry for an action of any type. Sound: the entry is looked up by the action's own `type`, and
 * the table's type pairs each key with the meta of that type; TypeScript cannot follow the pairing
 * through a union, hence the widening.
 */
const metaOf = (action: WorkflowAction): ActionMeta<WorkflowAction> => ACTION_META[action.type] as ActionMeta<WorkflowAction>;

export function placementOf(action: WorkflowAction): Placement {
  const p = metaOf(action).placement;
  return typeof p === 'function' ? p(action) : p;
}

/** The action's own retry policy, else its type's default; null for types the workflow evaluates. */
export function retryPolicyOf(action: WorkflowAction): RetryPolicy | null {
  return action.retry ?? metaOf(action).retry;
}

/** Start-to-close timeout of one attempt; null for types the workflow evaluates. */
export function timeoutMsOf(action: WorkflowAction): number | null {
  return metaOf(action).timeoutMs?.(action) ?? null;
}

/** True when the step's handler is given { trigger, steps } (a script's `input`). */
export const receivesRunContext = (type: ActionType): boolean => ACTION_META[type].receivesRunContext === true;

export const actionLabel = (type: string): string => (ACTION_META as Record<string, { label: string }>)[type]?.label ?? type;
export const summarizeAction = (action: WorkflowAction): string => metaOf(action).summary(action);
/** A step as a person knows it: the label they gave it, else its type in words. */
export const stepNameOf = (action: Pick<WorkflowAction, 'type' | 'name'>): string => action.name?.trim() || actionLabel(action.type);

/** The run waits without a worker while a step of this type runs (see ActionMeta.waitsDurably). */
export const waitsDurably = (type: string): boolean => (ACTION_META as Record<string, { waitsDurably?: true }>)[type]?.waitsDurably === true;

/** What a dry test run records instead of doing the step ("Would have sent this email"); null: the step runs. */
export const wouldHaveOf = (type: string): string | null => (ACTION_META as Record<string, { wouldHave?: string }>)[type]?.wouldHave ?? null;

/** The nested action lists of an action (a condition's then and else). */
export const childListsOf = (action: WorkflowAction): readonly { key: string; actions: readonly WorkflowAction[] }[] =>
  (metaOf(action).children?.(action) ?? []) as readonly { key: string; actions: readonly WorkflowAction[] }[];

/**
 * Whether the steps inside an action's nested lists may use its output: true for a condition (decided
 * before its branch runs), false for a loop (its output is only known once every item has run).
 */
export const outputKnownInside = (action: WorkflowAction): boolean => metaOf(action).outputBeforeChildren === true;

function fieldSets(key: 'rawFields' | 'structuralFields', common: readonly string[]): Record<ActionType, ReadonlySet<string>> {
  const out = {} as Record<ActionType, ReadonlySet<string>>;
  for (const type of Object.keys(ACTION_META) as ActionType[]) out[type] = new Set([...common, ...ACTION_META[type][key]]);
  return out;
}
/** Per type, the fields copied as written (never templated). */
export const RAW_FIELDS = fieldSets('rawFields', COMMON_RAW_FIELDS);
/** Per type, the fields that are structure, not input. */
export const STRUCTURAL_FIELDS = fieldSets('structuralFields', COMMON_STRUCTURAL_FIELDS);

/** Fields of a type that may hold `{{secrets.NAME}}` (none for most types). */
export const secretFieldsOf = (type: string): readonly string[] =>
  (ACTION_META as Record<string, { secretFields?: readonly string[] }>)[type]?.secretFields ?? [];
/** The builder's words for fields many types share, where the key alone reads badly. */
const SHARED_FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'Label',
  onFailure: 'If this step fails',
  retry: 'Retries',
  data: 'Fields',
  recordId: 'Record id',
  timeoutMs: 'Timeout (ms)',
};
/** A person's name for a field of a type ("query" → "Query parameters"; else the key, spaced). */
export function fieldLabelOf(type: string, field: string): string {
  const label = (ACTION_META as Record<string, { fieldLabels?: Readonly<Record<string, string>> }>)[type]?.fieldLabels?.[field] ?? SHARED_FIELD_LABELS[field];
  if (label) return label;
  const spaced = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
