import { defineTriggerMeta, show } from '../define';
import type { ScheduleTrigger } from './schema';

export const scheduleMeta = defineTriggerMeta<ScheduleTrigger>({
  type: 'schedule',
  label: 'Schedule',
  source: { kind: 'schedule' },
  summary: (t) => `On schedule ${show(t.cron)} (${show(t.timezone ?? 'UTC')})`,
  variables: () => [
    { value: 'trigger.scheduledAt', label: 'when this run was scheduled', group: 'Trigger' },
    { value: 'trigger.timezone', label: 'the schedule time zone', group: 'Trigger' },
  ],
  sample: (t, at) => ({ kind: 'schedule', scheduledAt: at.now, timezone: t.timezone }),
  shapeSample: (t, _sample, now) => ({ kind: 'schedule', scheduledAt: now, timezone: t.timezone }),
});
