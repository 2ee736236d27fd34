import { z } from 'zod';
import { JsonSchema, isTemplated } from '../../definition/common';
import { actionBase } from '../common';
import { SendWebhookAuthSchema } from './auth';

const UrlSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => {
    if (isTemplated(s)) return true;
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'not a valid http(s) URL');

export const WEBHOOK_MAX_TIMEOUT_MS = 30_000;
const HeaderNameSchema = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'not a valid header name');

export const SendWebhookActionSchema = z.object({
  ...actionBase,
  type: z.literal('send_webhook'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  url: UrlSchema,
  headers: z.record(HeaderNameSchema, z.string().max(8192)).default({}),
  query: z.record(z.string().min(1).max(256), z.string().max(4096)).default({}),
  /** JSON value sent as application/json, or a string sent as text when bodyType is "text". */
  body: JsonSchema.optional(),
  bodyType: z.enum(['json', 'text']).default('json'),
  timeoutMs: z.number().int().min(100).max(WEBHOOK_MAX_TIMEOUT_MS).default(10_000),
  /** Sign the request with the workflow's signing secret (Standard Webhooks headers). */
  sign: z.boolean().default(false),
  /** Credentials for the call, each a `{{secrets.NAME}}` reference (absent: none). */
  auth: SendWebhookAuthSchema.optional(),
});

export type SendWebhookAction = z.infer<typeof SendWebhookActionSchema>;
