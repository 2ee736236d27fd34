import { z } from 'zod';
import { SECRET_REF_PATTERN } from '../secret-policy';

/** A credential field: only ever a reference to a workspace secret, never the credential itself. */
const SecretRef = z
  .string()
  .regex(SECRET_REF_PATTERN, 'must be a secret, written {{secrets.NAME}}: store the value under Settings → Secrets, never in the workflow');

/**
 * How send_webhook authenticates. Every credential is a `{{secrets.NAME}}` reference: the workflow,
 * its history and the step rows hold the name, the activity opens the value at the moment of the call.
 */
export const SendWebhookAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('bearer'), token: SecretRef }),
  z.object({ type: z.literal('basic'), username: SecretRef, password: SecretRef }),
  z.object({
    type: z.literal('header'),
    name: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'not a valid header name'),
    value: SecretRef,
  }),
  z.object({
    type: z.literal('oauth2_client_credentials'),
    tokenUrl: z
      .string()
      .min(1)
      .max(4096)
      .refine((s) => {
        try {
          return ['https:', 'http:'].includes(new URL(s).protocol);
        } catch {
          return false;
        }
      }, 'not a valid http(s) URL'),
    clientId: SecretRef,
    clientSecret: SecretRef,
    scope: z.string().max(1024).optional(),
    audience: z.string().max(1024).optional(),
  }),
]);
export type SendWebhookAuth = z.infer<typeof SendWebhookAuthSchema>;
