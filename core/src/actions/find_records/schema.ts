import { z } from 'zod';
import { JsonSchema, ObjectNameSchema } from '../../definition/common';
import { COMPARISON_OPS, UNARY_OPS } from '../../definition/conditions';
import { actionBase } from '../common';
import { FIELD_PATH, type RecordConditionGroup, type RecordConditionNode } from './meta';

/** The condition action's operators, less `changed` (a record found by a query has no change to look at). */
export const RECORD_OPS = COMPARISON_OPS.filter((op) => op !== 'changed') as [Exclude<(typeof COMPARISON_OPS)[number], 'changed'>, ...never[]];

const FieldPathSchema = z.string().regex(FIELD_PATH, 'name a record field: letters, digits and _ (for example "email", or "address.city" for a nested one)');

/** One comparison: a record field on the left, a value (templates allowed) on the right. */
const RecordComparisonSchema = z
  .object({
    left: FieldPathSchema,
    op: z.enum(RECORD_OPS),
    right: JsonSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const unary = (UNARY_OPS as readonly string[]).includes(c.op);
    if (!unary && c.right === undefined) ctx.addIssue({ code: 'custom', path: ['right'], message: `"${c.op}" needs a value to compare with` });
    if (c.op === 'in' && c.right !== undefined && !Array.isArray(c.right) && !(typeof c.right === 'string' && c.right.includes('{{')))
      ctx.addIssue({
        code: 'custom',
        path: ['right'],
        message: `"${c.left} is one of" needs a list of values; the value was ${JSON.stringify(c.right).slice(0, 60)}`,
      });
  });

const MAX_CONDITIONS = 50;
/** The condition action's all/any groups (nested), over record fields. */
const RecordConditionGroupSchema: z.ZodType<RecordConditionGroup> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(RecordConditionNodeSchema).min(1, 'add at least one comparison').max(MAX_CONDITIONS) }),
    z.strictObject({ any: z.array(RecordConditionNodeSchema).min(1, 'add at least one comparison').max(MAX_CONDITIONS) }),
  ]),
);
const RecordConditionNodeSchema: z.ZodType<RecordConditionNode> = z.lazy(() => z.union([RecordComparisonSchema, RecordConditionGroupSchema]));

export const FIND_LIMIT_MAX = 1_000;
const LIMIT_MESSAGE = `Limit must be a whole number from 1 to ${FIND_LIMIT_MAX.toLocaleString('en-US')}`;

const OrderBySchema = z.object({ field: FieldPathSchema, direction: z.enum(['asc', 'desc']).default('asc') });

export const FindRecordsActionSchema = z.object({
  ...actionBase,
  type: z.literal('find_records'),
  object: ObjectNameSchema,
  where: RecordConditionGroupSchema.optional(),
  orderBy: z.array(OrderBySchema).max(5, 'sort by at most 5 fields').optional(),
  limit: z.number({ error: LIMIT_MESSAGE }).int(LIMIT_MESSAGE).min(1, LIMIT_MESSAGE).max(FIND_LIMIT_MAX, LIMIT_MESSAGE).default(100),
});

export type FindRecordsAction = z.infer<typeof FindRecordsActionSchema>;
export type OrderBy = z.infer<typeof OrderBySchema>;
