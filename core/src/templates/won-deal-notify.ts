import { defineTemplate } from './define';

export const wonDealNotify = defineTemplate({
  id: 'won-deal-notify',
  name: 'Tell the team when a deal is won',
  description: 'When a deal moves to won, post a message to a chat webhook (Slack-style). Replace the URL with your incoming-webhook URL.',
  category: 'Deals',
  definition: {
    name: 'Announce won deals',
    trigger: { type: 'field_changed', object: 'deal', field: 'stage', to: 'won' },
    actions: [
      {
        id: 'announce',
        type: 'send_webhook',
        name: 'Post to the team channel',
        method: 'POST',
        url: 'https://hooks.example.com/services/team-channel',
        body: { text: 'Deal won: {{trigger.record.name}} ({{trigger.record.amount}})' },
      },
    ],
  },
});
