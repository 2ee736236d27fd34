import { z } from 'zod';
import { FieldNameSchema, JsonSchema, isTemplated } from '../definition/common';

/** Action ids are referenced as {{steps.<id>.output}}, so they must be plain identifiers. */
export const ActionIdSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'use letters, digits and _, starting with a letter (for example "notify")');

export const RetryPolicySchema = z.object({
  maxAttempts: z.number().int().min(1).max(10).default(3),
  initialIntervalMs: z.number().int().min(100).max(600_000).default(1_000),
  backoffCoefficient: z.number().min(1).max(10).default(2),
  maxIntervalMs: z.number().int().min(100).max(3_600_000).default(60_000),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

/** The fields every action has. */
export const actionBase = {
  id: ActionIdSchema,
  /** Label shown in the editor and the run timeline. */
  name: z.string().max(200).optional(),
  retry: RetryPolicySchema.optional(),
  /** stop: the run fails; continue: the error becomes the step's output and the run goes on. */
  onFailure: z.enum(['stop', 'continue']).default('stop'),
};
export const ActionBaseSchema = z.object(actionBase);

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
export const isValidEmail = (s: string): boolean => EMAIL.test(s);
export const EmailAddressSchema = z
  .string()
  .min(1)
  .max(320)
  .refine((s) => isTemplated(s) || EMAIL.test(s), 'not a valid email address');

export const RecordIdSchema = z.string().min(1).max(200);
export const RecordDataSchema = z.record(FieldNameSchema, JsonSchema).refine((d) => Object.keys(d).length <= 200, 'at most 200 fields');

/** Most steps one branch (or the top level) may hold. */
export const MAX_BRANCH_ACTIONS = 500;
