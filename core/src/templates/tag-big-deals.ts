import { defineTemplate } from './define';

export const tagBigDeals = defineTemplate({
  id: 'tag-big-deals',
  name: 'Tag big deals',
  description: 'When a deal is created with an amount over 10,000, tag it "big"; others are tagged "standard".',
  category: 'Deals',
  definition: {
    name: 'Tag big deals',
    trigger: { type: 'record_created', object: 'deal' },
    actions: [
      {
        id: 'is_big',
        type: 'condition',
        name: 'Is it over 10,000?',
        if: { all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: 10000 }] },
        then: [{ id: 'tag_big', type: 'update_record', name: 'Tag it big', object: 'deal', recordId: '{{trigger.record.id}}', data: { tier: 'big' } }],
        else: [
          { id: 'tag_standard', type: 'update_record', name: 'Tag it standard', object: 'deal', recordId: '{{trigger.record.id}}', data: { tier: 'standard' } },
        ],
      },
    ],
  },
});
