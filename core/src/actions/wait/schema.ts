import { z } from 'zod';
import { DurationSchema, isTemplated } from '../../definition/common';
import { actionBase } from '../common';

export const WaitActionSchema = z
  .object({
    ...actionBase,
    type: z.literal('wait'),
    duration: DurationSchema.optional(),
    /** An ISO 8601 time, or a template resolving to one. */
    until: z
      .string()
      .max(200)
      .refine((s) => isTemplated(s) || !Number.isNaN(Date.parse(s)), 'not a valid date-time (use ISO 8601)')
      .optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.duration === undefined) === (a.until === undefined))
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'give exactly one of "duration" or "until"' });
  });

export type WaitAction = z.infer<typeof WaitActionSchema>;
