import { defineTemplate } from './define';

export const welcomeEmail = defineTemplate({
  id: 'welcome-email',
  name: 'Welcome email on a new contact',
  description: 'When a contact is created, email them a welcome note. Edit the subject and text to your voice.',
  category: 'Contacts',
  definition: {
    name: 'Welcome new contacts',
    trigger: { type: 'record_created', object: 'contact' },
    actions: [
      {
        id: 'welcome',
        type: 'send_email',
        name: 'Send the welcome email',
        to: '{{trigger.record.email}}',
        subject: 'Welcome, {{trigger.record.name}}',
        body: 'Hello {{trigger.record.name}},\n\nThanks for getting in touch. We will be in contact shortly.',
      },
    ],
  },
});
