// "New from template": one file per template, listed here in the order the gallery shows them.
import { dailyDigest } from './daily-digest';
import type { WorkflowTemplate } from './define';
import { enrichCompany } from './enrich-company';
import { followUp } from './follow-up';
import { runFailedEmail } from './run-failed-email';
import { scoreLead } from './score-lead';
import { sendToCrm } from './send-to-crm';
import { signupWebhook } from './signup-webhook';
import { tagBigDeals } from './tag-big-deals';
import { welcomeEmail } from './welcome-email';
import { wonDealNotify } from './won-deal-notify';

export type { WorkflowTemplate } from './define';

export const WORKFLOW_TEMPLATES: readonly WorkflowTemplate[] = [
  welcomeEmail,
  signupWebhook,
  tagBigDeals,
  wonDealNotify,
  followUp,
  enrichCompany,
  dailyDigest,
  sendToCrm,
  scoreLead,
  runFailedEmail,
];
