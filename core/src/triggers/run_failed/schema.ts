import { z } from 'zod';

export const RunFailedTriggerSchema = z.object({
  type: z.literal('run_failed'),
  /** Only failures of this workflow; every other workflow's when absent. */
  workflowId: z.uuid('pick a workflow').optional(),
});

export type RunFailedTrigger = z.infer<typeof RunFailedTriggerSchema>;
