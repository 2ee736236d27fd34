import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { DbOrTx } from '../db/client';
import { insertDevMail } from '../domain/dev-mail';

export type Mail = {
  workspaceId: string;
  /** The run that sent it; null for the product's own mail (invitations). */
  executionId: string | null;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
  /** Sent as a header so a receiving system can drop a resend of the same step. */
  idempotencyKey: string;
};
export type Mailer = { kind: 'smtp' | 'ses' | 'dev-inbox'; send(mail: Mail): Promise<{ messageId: string }>; close(): void };

/** SMTP_URL → nodemailer SMTP; SMTP_URL=ses → Amazon SES (v2); none → the dev inbox table. */
export async function createMailer(config: Pick<Config, 'SMTP_URL' | 'AWS_REGION'>, db: DbOrTx): Promise<Mailer> {
  const url = config.SMTP_URL?.trim();
  if (!url) {
    return {
      kind: 'dev-inbox',
      async send(m) {
        const messageId = `<${m.idempotencyKey}@conduit.dev-inbox>`;
        await insertDevMail(db, {
          workspaceId: m.workspaceId,
          executionId: m.executionId,
          messageId,
          from: m.from,
          to: m.to,
          cc: m.cc,
          bcc: m.bcc,
          subject: m.subject,
          text: m.text ?? null,
          html: m.html ?? null,
        });
        return { messageId };
      },
      close() {},
    };
  }
  let transport: nodemailer.Transporter;
  let kind: Mailer['kind'] = 'smtp';
  if (url === 'ses') {
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    transport = nodemailer.createTransport({ SES: { sesClient: new SESv2Client({ region: config.AWS_REGION }), SendEmailCommand } } as never);
    kind = 'ses';
  } else {
    transport = nodemailer.createTransport(url);
  }
  return {
    kind,
    async send(m) {
      const info = await transport.sendMail({
        from: m.from,
        to: m.to,
        cc: m.cc,
        bcc: m.bcc,
        replyTo: m.replyTo,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'X-Conduit-Idempotency-Key': m.idempotencyKey },
      });
      return { messageId: String(info.messageId ?? '') };
    },
    close: () => transport.close(),
  };
}
export { invitationMail } from './invitation';
