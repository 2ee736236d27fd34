import { defineTemplate } from './define';

export const dailyDigest = defineTemplate({
  id: 'daily-digest',
  name: 'Weekday morning digest',
  description: 'Every weekday at 8:00, email the sales team a short digest. Set the time zone and the address.',
  category: 'Schedules',
  definition: {
    name: 'Morning digest',
    trigger: { type: 'schedule', cron: '0 8 * * 1-5', timezone: 'UTC' },
    actions: [
      {
        id: 'digest',
        type: 'send_email',
        name: 'Email the digest',
        to: 'sales@example.com',
        subject: 'Your pipeline for {{trigger.scheduledAt}}',
        body: 'Good morning. Open the Records view to review today’s open deals.',
      },
    ],
  },
});
