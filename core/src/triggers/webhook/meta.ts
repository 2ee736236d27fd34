import { defineTriggerMeta } from '../define';
import type { WebhookTrigger } from './schema';

export const webhookMeta = defineTriggerMeta<WebhookTrigger>({
  type: 'webhook',
  label: 'Webhook',
  source: { kind: 'webhook' },
  summary: () => 'When a webhook is received',
  variables: () => [
    { value: 'trigger.body', label: 'request body (parsed JSON)', group: 'Trigger' },
    { value: 'trigger.query', label: 'query parameters', group: 'Trigger' },
    { value: 'trigger.headers', label: 'request headers', group: 'Trigger' },
    { value: 'trigger.method', label: 'HTTP method', group: 'Trigger' },
    { value: 'trigger.receivedAt', label: 'when it arrived', group: 'Trigger' },
  ],
  sample: (_t, at) => webhookPayload({ hello: 'world' }, at.now),
  // The sample is the request body.
  shapeSample: (_t, sample, now) => webhookPayload(sample ?? {}, now),
});

function webhookPayload(body: unknown, receivedAt: string) {
  return { kind: 'webhook', method: 'POST', body, query: {}, headers: {}, contentType: 'application/json', receivedAt };
}
