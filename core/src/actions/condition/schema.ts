import { z } from 'zod';
import { ConditionGroupSchema } from '../../definition/conditions';
import { actionBase } from '../common';

/** The condition's own fields; its branches hold any action, so the union adds them (see ../schemas.ts). */
export const ConditionActionBaseSchema = z.object({
  ...actionBase,
  type: z.literal('condition'),
  if: ConditionGroupSchema,
});
