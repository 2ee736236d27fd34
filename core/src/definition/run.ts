import { z } from 'zod';
import { JsonSchema } from './common';

export const EXECUTION_STATUSES = ['queued', 'pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export const ExecutionStatusSchema = z.enum(EXECUTION_STATUSES);
export type ExecutionStatus = z.infer<typeof ExecutionStatusSchema>;

export const STEP_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped', 'cancelled'] as const;
export const StepStatusSchema = z.enum(STEP_STATUSES);
export type StepStatus = z.infer<typeof StepStatusSchema>;

/** What a finished step leaves for later steps: `{{steps.<id>.output}}`. */
export const StepResultSchema = z.object({
  status: StepStatusSchema,
  output: JsonSchema.optional(),
  error: z.string().optional(),
});
export type StepResult = z.infer<typeof StepResultSchema>;
