import { defineTemplate } from './define';

export const followUp = defineTemplate({
  id: 'follow-up-2-days',
  name: 'Follow up two days after a new deal',
  description: 'When a deal is created, wait two days, then remind its owner to follow up.',
  category: 'Deals',
  definition: {
    name: 'Deal follow-up reminder',
    trigger: { type: 'record_created', object: 'deal' },
    actions: [
      { id: 'pause', type: 'wait', name: 'Wait two days', duration: '2d' },
      {
        id: 'remind',
        type: 'send_email',
        name: 'Remind the owner',
        to: '{{trigger.record.ownerEmail}}',
        subject: 'Follow up on {{trigger.record.name}}',
        body: 'Two days ago the deal "{{trigger.record.name}}" was created. Time to follow up.',
      },
    ],
  },
});
