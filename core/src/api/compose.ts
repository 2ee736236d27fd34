/**
 * Shapes of the routes that start a workflow by hand and move workflows in and out as files
 * (issue 17): run, the manual workflows of an object, export, import and templates.
 */
import { z } from 'zod';
import { OBJECT_NAME_PATTERN } from '../definition';
import { ActionDtoSchema, TriggerDtoSchema, visibleText } from './text';

const json = z.unknown().meta({ description: 'any JSON value' });

export const ManualRunBodySchema = z
  .object({
    recordId: z.string().min(1).max(200).optional().meta({ description: 'the record to run on (the workflow’s trigger names its object)' }),
    payload: json.optional().meta({ description: 'free-form input, available as {{trigger.payload}}' }),
  })
  .meta({ id: 'ManualRunBody' });

export const ManualWorkflowDtoSchema = z
  .object({ id: z.string(), name: z.string(), object: z.string().nullable(), allowMembers: z.boolean() })
  .meta({ id: 'ManualWorkflow' });
export const ManualWorkflowQuerySchema = z.object({
  object: z.string().min(1).max(64).regex(OBJECT_NAME_PATTERN, 'use lowercase letters, digits and _ (for example "deal")').optional(),
});

export const WorkflowExportSchema = z
  .object({
    format: z.literal('conduit.workflow'),
    version: z.literal(1).meta({ description: 'the file format version' }),
    exportedAt: z.string().optional(),
    name: z.string(),
    description: z.string().nullable().optional(),
    trigger: TriggerDtoSchema,
    actions: z.array(ActionDtoSchema),
    references: z.object({ workflows: z.array(z.object({ id: z.string(), name: z.string() })) }).optional(),
  })
  .meta({ id: 'WorkflowExport' });

export const ImportBodySchema = WorkflowExportSchema.extend({
  /** A name for the new draft instead of the file's. */
  rename: visibleText(200).optional(),
}).meta({ id: 'WorkflowImport' });

export const ImportReportSchema = z.object({
  /** `{{secrets.NAME}}` references to set in this workspace. */
  missingSecrets: z.array(z.string()),
  /** Objects the definition names that have no records in this workspace yet. */
  missingObjects: z.array(z.string()),
  /** call_workflow steps whose workflow is not in this workspace (none of that name either). */
  missingWorkflows: z.array(z.object({ actionId: z.string(), stepLabel: z.string(), workflowName: z.string().nullable() })),
});

export const TemplateDtoSchema = z
  .object({ id: z.string(), name: z.string(), description: z.string(), category: z.string(), trigger: json, actions: json })
  .meta({ id: 'WorkflowTemplate' });

const CallLinkSchema = z.object({ id: z.string(), workflowId: z.string(), workflowName: z.string().nullable(), status: z.string() });
/** The run that called this one and the runs it called (call_workflow), for the run monitor. */
export const CallLinksSchema = z.object({ calledBy: CallLinkSchema.nullable(), called: z.array(CallLinkSchema) }).meta({ id: 'CallLinks' });
