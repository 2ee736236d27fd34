import { defineTemplate } from './define';

export const enrichCompany = defineTemplate({
  id: 'enrich-company',
  name: 'Enrich a new company from an API',
  description: 'When a company is created, ask an enrichment service about its domain and save the industry and size it answers.',
  category: 'Companies',
  definition: {
    name: 'Enrich new companies',
    trigger: { type: 'record_created', object: 'company' },
    actions: [
      {
        id: 'lookup',
        type: 'send_webhook',
        name: 'Ask the enrichment service',
        method: 'GET',
        url: 'https://enrich.example.com/v1/companies',
        query: { domain: '{{trigger.record.domain}}' },
      },
      {
        id: 'save',
        type: 'update_record',
        name: 'Save what it found',
        object: 'company',
        recordId: '{{trigger.record.id}}',
        data: { industry: '{{steps.lookup.output.body.industry}}', size: '{{steps.lookup.output.body.size}}' },
      },
    ],
  },
});
