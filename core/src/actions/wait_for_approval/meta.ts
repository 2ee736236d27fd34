import { brief, defineActionMeta } from '../define';
import type { WaitForApprovalAction } from './schema';

/** The longest an approval may wait (its links expire with it). */
export const APPROVAL_MAX_TIMEOUT_MS = 30 * 24 * 60 * 60 * 1000;

export const waitForApprovalMeta = defineActionMeta<WaitForApprovalAction>({
  type: 'wait_for_approval',
  label: 'Wait for approval',
  description: 'Pause the run until a person approves or rejects (by email link or in the app).',
  idBase: 'approval',
  // A signal plus a durable timer in the workflow; the row and the emails come from one activity.
  placement: 'workflow',
  waitsDurably: true,
  retry: null,
  timeoutMs: null,
  rawFields: ['onTimeout'],
  structuralFields: [],
  fieldLabels: { timeout: 'Time out after', onTimeout: 'When nobody answers in time' },
  wouldHave: 'Would have asked for approval (a dry run takes it as approved)',
  summary: (a) => `Approval by ${brief(a.approvers.join(', '), 40)} within ${a.timeout}`,
});
