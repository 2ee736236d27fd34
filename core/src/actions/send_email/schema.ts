import { z } from 'zod';
import { EmailAddressSchema, actionBase } from '../common';

const RecipientsSchema = z.union([EmailAddressSchema, z.array(EmailAddressSchema).min(1).max(50)]);

export const SendEmailActionSchema = z
  .object({
    ...actionBase,
    type: z.literal('send_email'),
    to: RecipientsSchema,
    cc: RecipientsSchema.optional(),
    bcc: RecipientsSchema.optional(),
    replyTo: EmailAddressSchema.optional(),
    subject: z.string().min(1, 'a subject is required').max(998),
    /** Plain-text body. */
    body: z.string().max(200_000).optional(),
    html: z.string().max(500_000).optional(),
  })
  .refine((a) => a.body !== undefined || a.html !== undefined, { path: ['body'], message: 'give a text body or an HTML body' });

export type SendEmailAction = z.infer<typeof SendEmailActionSchema>;
