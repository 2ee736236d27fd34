import { z } from 'zod';
import { ObjectNameSchema } from '../../definition/common';

/**
 * Started by a person ("Run now", "Run workflow" on a record) or by another workflow's call_workflow.
 * With an object, the run is on one record of it; members may start it only when allowMembers is set.
 */
export const ManualTriggerSchema = z.object({
  type: z.literal('manual'),
  object: ObjectNameSchema.optional(),
  allowMembers: z.boolean().default(false),
});

export type ManualTrigger = z.infer<typeof ManualTriggerSchema>;
