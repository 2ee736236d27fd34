import { z } from 'zod';
import { DurationSchema } from '../../definition/common';
import { parseDuration } from '../../definition/duration';
import { EmailAddressSchema, actionBase } from '../common';
import { APPROVAL_MAX_TIMEOUT_MS } from './meta';

/** An approver: an email address (or a template resolving to one), or the role "admin" (every admin of the workspace). */
const ApproverSchema = z.union([z.literal('admin'), EmailAddressSchema]);

export const WaitForApprovalActionSchema = z.object({
  ...actionBase,
  type: z.literal('wait_for_approval'),
  approvers: z.array(ApproverSchema).min(1, 'name at least one approver').max(20, 'at most 20 approvers'),
  /** Shown to the approvers in the email and the app; templated. */
  message: z.string().min(1, 'a message is required').max(5_000),
  timeout: DurationSchema.refine((s) => (parseDuration(s) ?? 0) <= APPROVAL_MAX_TIMEOUT_MS, 'at most 30 days'),
  /** What the step decides when nobody answered in time: approve, reject, or fail the step. */
  onTimeout: z.enum(['approve', 'reject', 'fail']).default('reject'),
});

export type WaitForApprovalAction = z.infer<typeof WaitForApprovalActionSchema>;
