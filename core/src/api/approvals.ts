import { z } from 'zod';

// Approvals (wait_for_approval) and the workspace failure alert, as the API and the web app see them.

const date = z.string().meta({ description: 'ISO 8601 timestamp' });

const APPROVAL_STATUS_VALUES = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;

export const ApprovalDtoSchema = z
  .object({
    id: z.string(),
    executionId: z.string(),
    workflowId: z.string(),
    workflowName: z.string(),
    actionId: z.string(),
    message: z.string(),
    approvers: z.array(z.string()),
    status: z.enum(APPROVAL_STATUS_VALUES),
    /** The run's status: a decision is only taken while it is pending or running. */
    runStatus: z.string(),
    onTimeout: z.enum(['approve', 'reject', 'fail']),
    expiresAt: date,
    decidedBy: z.string().nullable(),
    decidedAt: date.nullable(),
    comment: z.string().nullable(),
    createdAt: date,
  })
  .meta({ id: 'Approval' });

export const ApprovalListQuerySchema = z.object({ status: z.enum(APPROVAL_STATUS_VALUES).optional() });

export const ApprovalDecisionBodySchema = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2_000).optional(),
});

/** An emailed link as its page shows it: no ids, only what the person needs to decide. */
export const ApprovalLinkDtoSchema = z
  .object({
    workflowName: z.string(),
    message: z.string(),
    decision: z.enum(['approve', 'reject']),
    email: z.string(),
    /** open: can be decided now; otherwise why not. */
    state: z.enum(['open', 'used', 'decided', 'expired', 'run_ended', 'run_cancelled']),
    status: z.enum(APPROVAL_STATUS_VALUES),
    decidedBy: z.string().nullable(),
    expiresAt: date,
  })
  .meta({ id: 'ApprovalLink' });

export const ApprovalLinkDecisionBodySchema = z.object({ comment: z.string().max(2_000).optional() });

export const FailureAlertSettingsDtoSchema = z
  .object({
    enabled: z.boolean(),
    /** Null: every admin of the workspace. */
    recipients: z.array(z.string()).nullable(),
    webhookUrl: z.string().nullable(),
    /** Whether a signing secret exists (never returned after it is made). */
    webhookSigned: z.boolean(),
    /** Workflows whose failures send no alert. */
    mutedWorkflowIds: z.array(z.string()),
  })
  .meta({ id: 'FailureAlertSettings' });

export const FailureAlertSettingsBodySchema = z.object({
  enabled: z.boolean().optional(),
  // zod's email rule as a pattern: the document's `email` format is looser than what is taken.
  recipients: z.array(z.string().max(320).regex(z.regexes.email, 'not a valid email address')).max(50).nullable().optional(),
  webhookUrl: z
    .url({ protocol: /^https?$/, message: 'use an http(s) URL' })
    .max(2_000)
    .nullable()
    .optional(),
});

export const WorkflowAlertBodySchema = z.object({ failureAlerts: z.boolean() });

export type ApprovalDto = z.infer<typeof ApprovalDtoSchema>;
export type ApprovalLinkDto = z.infer<typeof ApprovalLinkDtoSchema>;
