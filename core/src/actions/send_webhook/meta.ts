import { brief, defineActionMeta } from '../define';
import type { SendWebhookAction } from './schema';

export const sendWebhookMeta = defineActionMeta<SendWebhookAction>({
  type: 'send_webhook',
  label: 'Send webhook',
  description: 'Call an HTTP endpoint with JSON or text.',
  idBase: 'webhook',
  placement: 'activity',
  retry: { maxAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 60_000 },
  // The request's own timeout plus room for DNS, the SSRF check and writing the step row.
  timeoutMs: (a) => a.timeoutMs + 10_000,
  rawFields: [],
  structuralFields: [],
  secretFields: ['url', 'headers', 'query', 'body', 'auth'],
  fieldLabels: { url: 'URL', headers: 'Headers', query: 'Query parameters', body: 'Body', auth: 'Auth', bodyType: 'Body type', sign: 'Sign the request' },
  wouldHave: 'Would have sent this request',
  summary: (a) => `${a.method} ${brief(a.url)}`,
});
