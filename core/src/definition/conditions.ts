import { z } from 'zod';
import { JsonSchema } from './common';

export const COMPARISON_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'not_contains',
  'starts_with',
  'in',
  'exists',
  'is_empty',
  'changed',
] as const;
/** Operators that look only at `left`. */
export const UNARY_OPS = ['exists', 'is_empty', 'changed'] as const;

export const ComparisonOpSchema = z.enum(COMPARISON_OPS);
export type ComparisonOp = z.infer<typeof ComparisonOpSchema>;

export const ComparisonSchema = z
  .object({
    /** Usually a template such as "{{trigger.record.amount}}"; for `changed`, a field name or path. */
    left: JsonSchema,
    op: ComparisonOpSchema,
    right: JsonSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const unary = (UNARY_OPS as readonly string[]).includes(c.op);
    if (!unary && c.right === undefined) ctx.addIssue({ code: 'custom', path: ['right'], message: `"${c.op}" needs a right-hand value` });
    if (c.op === 'in' && c.right !== undefined && !Array.isArray(c.right) && !(typeof c.right === 'string' && c.right.includes('{{')))
      ctx.addIssue({ code: 'custom', path: ['right'], message: '"in" needs a list of values' });
  });
export type Comparison = z.infer<typeof ComparisonSchema>;

export type ConditionNode = Comparison | ConditionGroup;
export type ConditionGroup = { all: ConditionNode[] } | { any: ConditionNode[] };

const MAX_CONDITIONS = 50;
export const ConditionGroupSchema: z.ZodType<ConditionGroup> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionNodeSchema).min(1, 'add at least one comparison').max(MAX_CONDITIONS) }),
    z.strictObject({ any: z.array(ConditionNodeSchema).min(1, 'add at least one comparison').max(MAX_CONDITIONS) }),
  ]),
);
export const ConditionNodeSchema: z.ZodType<ConditionNode> = z.lazy(() => z.union([ComparisonSchema, ConditionGroupSchema]));

export { isGroup } from './condition-nodes';
