import { z } from 'zod';
import { JsonSchema } from '../../definition/common';
import { actionBase } from '../common';

/**
 * Runs another workflow of the workspace (its published version, which must start manually) as a
 * Temporal child workflow. `input` is templated and reaches the child as {{trigger.payload}}.
 */
export const CallWorkflowActionSchema = z.object({
  ...actionBase,
  type: z.literal('call_workflow'),
  workflowId: z.uuid('choose the workflow to call'),
  input: z.record(z.string(), JsonSchema).optional(),
  /** true: the step ends with the child run and gives its outputs; false: it ends once the child started. */
  wait: z.boolean().default(true),
});

export type CallWorkflowAction = z.infer<typeof CallWorkflowActionSchema>;
