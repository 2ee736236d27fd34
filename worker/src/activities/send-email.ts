import { isValidEmail } from '@conduit/core/definition';
import { StepError, stepKey, type ActionHandler } from './types';

const list = (v: string | string[] | undefined): string[] =>
  (v === undefined ? [] : Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

export const sendEmail: ActionHandler<'send_email'> = async (action, ctx, deps) => {
  const to = list(action.to);
  const cc = list(action.cc);
  const bcc = list(action.bcc);
  const bad = [...to, ...cc, ...bcc, ...(action.replyTo ? [action.replyTo] : [])].filter((a) => !isValidEmail(a));
  if (bad.length) throw new StepError(`invalid email address${bad.length > 1 ? 'es' : ''}: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  if (to.length === 0) throw new StepError('no recipient: "to" resolved to nothing');
  try {
    const { messageId } = await deps.mailer.send({
      workspaceId: ctx.run.workspaceId,
      executionId: ctx.run.executionId,
      from: deps.config.MAIL_FROM,
      to,
      cc,
      bcc,
      replyTo: action.replyTo,
      subject: action.subject,
      text: action.body,
      html: action.html,
      idempotencyKey: `${ctx.run.executionId}.${stepKey(ctx.step)}`,
    });
    return { output: { messageId, to, cc, bcc, transport: deps.mailer.kind } };
  } catch (e) {
    const err = e as { responseCode?: number; message?: string };
    // 5xx SMTP replies are permanent (bad mailbox, policy); connection trouble and 4xx are worth retrying.
    const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500;
    throw new StepError(`email not sent: ${err.message ?? String(e)}`, !permanent);
  }
};
