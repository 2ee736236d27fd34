import { z } from 'zod';
import { MAX_BRANCH_ACTIONS } from './common';
import { CallWorkflowActionSchema } from './call_workflow/schema';
import { ConditionActionBaseSchema } from './condition/schema';
import { ForEachActionBaseSchema } from './for_each/schema';
import { CreateRecordActionSchema } from './create_record/schema';
import { DeleteRecordActionSchema } from './delete_record/schema';
import { FindRecordsActionSchema } from './find_records/schema';
import { RunScriptActionSchema } from './run_script/schema';
import { SendEmailActionSchema } from './send_email/schema';
import { SendWebhookActionSchema } from './send_webhook/schema';
import { UpdateRecordActionSchema } from './update_record/schema';
import { UpsertRecordActionSchema } from './upsert_record/schema';
import { WaitActionSchema } from './wait/schema';
import { WaitForApprovalActionSchema } from './wait_for_approval/schema';

/**
 * THE list of action types. Every other registry (the meta table beside this file, the worker's
 * handlers, the web's forms) is typed over the union derived from it and fails to compile until it
 * covers a new type. Types whose actions hold other actions (condition) are listed after the union
 * is declared, since their schemas refer to it.
 */
const LEAF_ACTION_SCHEMAS = [
  SendEmailActionSchema,
  SendWebhookActionSchema,
  CreateRecordActionSchema,
  UpdateRecordActionSchema,
  DeleteRecordActionSchema,
  RunScriptActionSchema,
  WaitActionSchema,
  FindRecordsActionSchema,
  UpsertRecordActionSchema,
  CallWorkflowActionSchema,
  WaitForApprovalActionSchema,
] as const;
type LeafSchema = (typeof LEAF_ACTION_SCHEMAS)[number];

// A recursive union cannot be inferred in one go: the branch-holding actions are typed by hand from
// their own schemas plus the union, and the union's schema is checked against those types.
export type ConditionAction = z.output<typeof ConditionActionBaseSchema> & { then: WorkflowAction[]; else: WorkflowAction[] };
type ConditionActionInput = z.input<typeof ConditionActionBaseSchema> & { then?: WorkflowActionInput[]; else?: WorkflowActionInput[] };

export type ForEachAction = z.output<typeof ForEachActionBaseSchema> & { steps: WorkflowAction[] };
type ForEachActionInput = z.input<typeof ForEachActionBaseSchema> & { steps?: WorkflowActionInput[] };

export type WorkflowAction = z.output<LeafSchema> | ConditionAction | ForEachAction;
/** Input side of the action union (defaults may be omitted). */
export type WorkflowActionInput = z.input<LeafSchema> | ConditionActionInput | ForEachActionInput;
export type ActionType = WorkflowAction['type'];
export type ActionOf<T extends ActionType> = Extract<WorkflowAction, { type: T }>;

type Branch = z.ZodDefault<z.ZodArray<z.ZodType<WorkflowAction, WorkflowActionInput>>>;
export const ConditionActionSchema = ConditionActionBaseSchema.extend({
  get then(): Branch {
    return z.array(WorkflowActionSchema).max(MAX_BRANCH_ACTIONS).default([]);
  },
  get else(): Branch {
    return z.array(WorkflowActionSchema).max(MAX_BRANCH_ACTIONS).default([]);
  },
});

export const ForEachActionSchema = ForEachActionBaseSchema.extend({
  get steps(): Branch {
    return z.array(WorkflowActionSchema).max(MAX_BRANCH_ACTIONS).default([]);
  },
});

const ACTION_SCHEMAS = [...LEAF_ACTION_SCHEMAS, ConditionActionSchema, ForEachActionSchema] as const;

export const WorkflowActionSchema: z.ZodType<WorkflowAction, WorkflowActionInput> = z.discriminatedUnion('type', ACTION_SCHEMAS);

/** Every action type, in the order the builder offers them. */
export const ACTION_TYPES = ACTION_SCHEMAS.map((s) => s.shape.type.value) as [ActionType, ...ActionType[]];
