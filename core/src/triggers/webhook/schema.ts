import { z } from 'zod';

export const WebhookAuthSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }),
  /** A shared secret sent in a header; the secret itself is stored encrypted, never in the definition. */
  z.object({
    mode: z.literal('header'),
    headerName: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name such as "X-Webhook-Secret"')
      .default('X-Webhook-Secret'),
  }),
  /** Standard Webhooks: HMAC-SHA256 over id.timestamp.body. */
  z.object({ mode: z.literal('signature') }),
]);

export const WebhookTriggerSchema = z.object({
  type: z.literal('webhook'),
  auth: WebhookAuthSchema.default({ mode: 'none' }),
  allowGet: z.boolean().default(false),
});

export type WebhookTrigger = z.infer<typeof WebhookTriggerSchema>;
