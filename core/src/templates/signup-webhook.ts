import { defineTemplate } from './define';

export const signupWebhook = defineTemplate({
  id: 'signup-webhook',
  name: 'Create a contact from a sign-up form',
  description: 'Your form posts to this workflow’s webhook URL; it creates the contact and emails them a confirmation.',
  category: 'Contacts',
  definition: {
    name: 'Sign-up form to contact',
    trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false },
    actions: [
      {
        id: 'contact',
        type: 'create_record',
        name: 'Create the contact',
        object: 'contact',
        data: { name: '{{trigger.body.name}}', email: '{{trigger.body.email}}', source: 'sign-up form' },
      },
      {
        id: 'confirm',
        type: 'send_email',
        name: 'Confirm by email',
        to: '{{trigger.body.email}}',
        subject: 'Thanks for signing up, {{trigger.body.name}}',
        body: 'We received your details and will be in touch.',
      },
    ],
  },
});
