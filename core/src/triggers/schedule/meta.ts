import { defineTriggerMeta, show } from '../define';
import type { ScheduleTrigger } from './schema';

export const scheduleMeta = defineTriggerMeta<ScheduleTrigger>({
  type: 'schedule',
  label: 'Schedule',
  source: { kind: 'schedule' },
  summary: (t) => `On schedule ${show(t.cron)} (${show(t.timezone ?? 'UTC')})`,
});
