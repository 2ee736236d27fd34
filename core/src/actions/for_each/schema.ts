import { z } from 'zod';
import { JsonSchema } from '../../definition/common';
import { actionBase } from '../common';

/** Most items one loop runs over (its own `maxItems` may be lower). */
export const FOR_EACH_MAX_ITEMS = 10_000;
/** Loops inside loops, counting the outermost. */
export const FOR_EACH_MAX_DEPTH = 3;

/** The loop's own fields; its `steps` hold any action, so the union adds them (see ../schemas.ts). */
export const ForEachActionBaseSchema = z.object({
  ...actionBase,
  type: z.literal('for_each'),
  /** A template resolving to a list (`{{steps.find.output.items}}`), or a list written out. */
  items: z.union([z.string().trim().min(1, 'say which list to loop over'), z.array(JsonSchema).max(FOR_EACH_MAX_ITEMS)]),
  /** Iterations run side by side. */
  concurrency: z.number().int().min(1, 'at least 1').max(10, 'at most 10').default(1),
  /** A longer list fails the step instead of running. */
  maxItems: z
    .number()
    .int()
    .min(1, 'at least 1')
    .max(FOR_EACH_MAX_ITEMS, `at most ${FOR_EACH_MAX_ITEMS.toLocaleString('en-US')}`)
    .default(1_000),
});
