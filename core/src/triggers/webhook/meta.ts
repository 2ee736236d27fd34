import { defineTriggerMeta } from '../define';
import type { WebhookTrigger } from './schema';

export const webhookMeta = defineTriggerMeta<WebhookTrigger>({
  type: 'webhook',
  label: 'Webhook',
  source: { kind: 'webhook' },
  summary: () => 'When a webhook is received',
});
