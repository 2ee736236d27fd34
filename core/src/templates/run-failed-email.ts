import { defineTemplate } from './define';

export const runFailedEmail = defineTemplate({
  id: 'run-failed-email',
  name: 'Email me when a run fails',
  description:
    'When a run of any other workflow fails, email the failed step and its error with a link to the run. Put your address in "To"; pick one workflow in the trigger to watch only that one.',
  category: 'Integrations',
  definition: {
    name: 'Email me when a run fails',
    trigger: { type: 'run_failed' },
    actions: [
      {
        id: 'tell',
        type: 'send_email',
        name: 'Email the failure',
        to: 'you@example.com',
        subject: 'A run of {{trigger.workflow.name}} failed',
        body: 'The run {{trigger.executionId}} of "{{trigger.workflow.name}}" failed at {{trigger.failedAt}}.\n\nStep: {{trigger.step.label}}\nError: {{trigger.error}}',
      },
    ],
  },
});
