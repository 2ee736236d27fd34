import { defineTemplate } from './define';

export const scoreLead = defineTemplate({
  id: 'score-lead',
  name: 'Score a lead (on demand)',
  description: 'Adds "Run workflow → Score lead" on every contact: a short script scores it and the score is saved on the contact.',
  category: 'Contacts',
  definition: {
    name: 'Score lead',
    trigger: { type: 'manual', object: 'contact', allowMembers: true },
    actions: [
      {
        id: 'score',
        type: 'run_script',
        name: 'Work out the score',
        code: "const r = input.trigger.record;\nlet score = 10;\nif (r.email && !String(r.email).endsWith('@gmail.com')) score += 30;\nif (r.company) score += 20;\nreturn { score };",
      },
      {
        id: 'save',
        type: 'update_record',
        name: 'Save the score',
        object: 'contact',
        recordId: '{{trigger.record.id}}',
        data: { score: '{{steps.score.output.score}}' },
      },
    ],
  },
});
