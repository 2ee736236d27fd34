import { defineTemplate } from './define';

export const sendToCrm = defineTemplate({
  id: 'send-to-crm',
  name: 'Send a contact to another CRM (on demand)',
  description: 'Adds "Run workflow → Send to CRM" on every contact: posts the contact to another system and notes when it was sent.',
  category: 'Integrations',
  definition: {
    name: 'Send to CRM',
    trigger: { type: 'manual', object: 'contact', allowMembers: true },
    actions: [
      {
        id: 'push',
        type: 'send_webhook',
        name: 'Post the contact',
        method: 'POST',
        url: 'https://crm.example.com/api/contacts',
        body: { name: '{{trigger.record.name}}', email: '{{trigger.record.email}}', source: 'conduit' },
      },
      {
        id: 'note',
        type: 'update_record',
        name: 'Note it was sent',
        object: 'contact',
        recordId: '{{trigger.record.id}}',
        data: { sentToCrmAt: '{{trigger.startedAt}}' },
      },
    ],
  },
});
