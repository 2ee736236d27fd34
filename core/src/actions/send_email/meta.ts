import { brief, defineActionMeta } from '../define';
import type { SendEmailAction } from './schema';

const list = (v: string | string[]) => (Array.isArray(v) ? v.join(', ') : v);

export const sendEmailMeta = defineActionMeta<SendEmailAction>({
  type: 'send_email',
  label: 'Send email',
  description: 'Send an email (kept in the dev inbox locally).',
  idBase: 'email',
  // An SMTP server can be slow: a regular activity shows the step running and can be cancelled.
  placement: 'activity',
  retry: { maxAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 60_000 },
  timeoutMs: () => 60_000,
  rawFields: [],
  structuralFields: [],
  // A link with an access token in the message: the recipient gets the value, the run keeps the reference.
  secretFields: ['body', 'html'],
  fieldLabels: { to: 'To', cc: 'Cc', bcc: 'Bcc', replyTo: 'Reply to', subject: 'Subject', body: 'Text body', html: 'HTML body' },
  wouldHave: 'Would have sent this email',
  summary: (a) => `Email to ${brief(list(a.to))}${a.subject ? `: ${brief(a.subject, 40)}` : ''}`,
});
