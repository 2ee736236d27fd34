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
  output: [
    { key: 'status', kind: 'number', description: 'the HTTP status' },
    { key: 'url', kind: 'text', description: 'the URL answered, after redirects' },
    { key: 'redirects', kind: 'number', description: 'redirects followed' },
    { key: 'headers', kind: 'object', description: 'the response headers' },
    { key: 'body', kind: 'any', description: 'the response body (parsed when JSON)' },
    { key: 'truncated', kind: 'boolean', description: 'true when the body was cut' },
  ],
  summary: (a) => `${a.method} ${brief(a.url)}`,
});
