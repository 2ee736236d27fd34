import { describe, expect, it } from 'vitest';
import { diffDefinitions, sameJson, type ComparableDefinition, type WorkflowAction } from '@conduit/core/definition';

const mail: WorkflowAction = {
  id: 'mail',
  name: 'Tell the owner',
  type: 'send_email',
  to: 'a@example.com',
  subject: 'Big win',
  body: 'Well done.',
  onFailure: 'stop',
};
const big: WorkflowAction = {
  id: 'big',
  name: 'Is it big?',
  type: 'condition',
  if: { all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: 10000 }] },
  then: [mail],
  else: [],
  onFailure: 'stop',
};
const notify: WorkflowAction = {
  id: 'notify',
  type: 'send_webhook',
  method: 'POST',
  url: 'https://hooks.example.com/won',
  onFailure: 'stop',
} as WorkflowAction;
const pause: WorkflowAction = { id: 'pause', type: 'wait', duration: '2d', onFailure: 'stop' };
const save: WorkflowAction = {
  id: 'save',
  name: 'Save score',
  type: 'update_record',
  object: 'deal',
  recordId: '{{trigger.record.id}}',
  data: { score: 1 },
  onFailure: 'stop',
};

const base: ComparableDefinition = {
  name: 'Won deal follow-up',
  trigger: { type: 'field_changed', object: 'deal', field: 'stage', to: 'won' },
  actions: [notify, big, pause, save],
};
const texts = (before: ComparableDefinition, after: ComparableDefinition) => diffDefinitions(before, after).map((c) => c.text);

describe('diffDefinitions', () => {
  it('finds nothing between equal definitions, whatever their key order or keys left undefined', () => {
    const copy = JSON.parse(JSON.stringify(base)) as ComparableDefinition;
    const reordered = {
      ...copy,
      actions: [
        {
          onFailure: 'stop',
          url: notify.type === 'send_webhook' ? notify.url : '',
          method: 'POST',
          type: 'send_webhook',
          id: 'notify',
          name: undefined,
        } as WorkflowAction,
        ...copy.actions.slice(1),
      ],
    };
    expect(diffDefinitions(base, reordered)).toEqual([]);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });

  it('names the workflow, the trigger type and the trigger fields that changed, by their labels', () => {
    expect(texts(base, { ...base, name: 'Won deals' })).toEqual(['Workflow renamed from “Won deal follow-up” to “Won deals”']);
    const changed = diffDefinitions(base, { ...base, trigger: { type: 'field_changed', object: 'deal', field: 'stage', from: 'open', to: 'lost' } });
    expect(changed).toEqual([
      {
        kind: 'trigger_changed',
        fields: [
          { field: 'to', label: 'To', before: 'won', after: 'lost' },
          { field: 'from', label: 'From', before: undefined, after: 'open' },
        ],
        text: 'Trigger (Field changed) changed: To, From',
      },
    ]);
    expect(texts(base, { ...base, trigger: { type: 'schedule', cron: '0 9 * * *', timezone: 'UTC' } })).toEqual([
      'Trigger changed from Field changed to Schedule',
    ]);
  });

  it('a step added, removed, or changed is named by its label (or type) and its fields by their labels', () => {
    const score: WorkflowAction = { id: 'score', name: 'Score it', type: 'run_script', code: 'return 1', onFailure: 'stop' } as WorkflowAction;
    const after: ComparableDefinition = {
      ...base,
      actions: [
        { ...notify, url: 'https://hooks.example.com/v2', name: 'Ping CRM' } as WorkflowAction,
        big,
        score,
        { ...save, data: { score: 2 }, onFailure: 'continue' } as WorkflowAction,
      ],
    };
    const changes = diffDefinitions(base, after);
    expect(changes.map((c) => c.text)).toEqual([
      'Changed “Ping CRM” (Send webhook): URL, Label',
      'Added “Score it” (Run script) after “Is it big?” in the main flow',
      'Changed “Save score” (Update record): Fields, If this step fails',
      'Removed “Wait” (it was after “Is it big?” in the main flow)',
    ]);
    expect(changes[0]).toMatchObject({
      kind: 'step_changed',
      stepId: 'notify',
      fields: [
        { field: 'url', label: 'URL', before: 'https://hooks.example.com/won', after: 'https://hooks.example.com/v2' },
        { field: 'name', label: 'Label', before: undefined, after: 'Ping CRM' },
      ],
    });
  });

  it('inserting a step does not mark the steps after it as moved; swapping two marks one', () => {
    const extra: WorkflowAction = { id: 'first', type: 'wait', duration: '1h', onFailure: 'stop' };
    expect(texts(base, { ...base, actions: [extra, ...base.actions] })).toEqual(['Added “Wait” at the start of the main flow']);
    expect(texts(base, { ...base, actions: [notify, big, save, pause] })).toEqual([
      'Moved “Wait” from after “Is it big?” in the main flow to after “Save score” in the main flow',
    ]);
  });

  it('a step moved into or out of a lane says both places; a change inside a lane names the lane', () => {
    const into: ComparableDefinition = { ...base, actions: [notify, { ...big, then: [mail], else: [pause] } as WorkflowAction, save] };
    expect(texts(base, into)).toEqual(['Moved “Wait” from after “Is it big?” in the main flow to the start of Else of “Is it big?”']);
    const inner: ComparableDefinition = { ...base, actions: [notify, { ...big, then: [{ ...mail, subject: 'Huge win' }] } as WorkflowAction, pause, save] };
    expect(texts(base, inner)).toEqual(['Changed “Tell the owner” (Send email): Subject']);
    const outOf: ComparableDefinition = { ...base, actions: [mail, notify, { ...big, then: [] } as WorkflowAction, pause, save] };
    expect(texts(base, outOf)).toEqual(['Moved “Tell the owner” (Send email) from the start of Then of “Is it big?” to the start of the main flow']);
  });

  it('a condition is compared on its test, not on the steps of its lanes', () => {
    const edited: ComparableDefinition = {
      ...base,
      actions: [notify, { ...big, if: { all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: 5000 }] } } as WorkflowAction, pause, save],
    };
    const [change] = diffDefinitions(base, edited);
    expect(change).toMatchObject({ kind: 'step_changed', step: 'Is it big?', fields: [{ field: 'if', label: 'Condition' }] });
    expect(diffDefinitions(base, edited)).toHaveLength(1);
  });

  it('a step whose type changed under the same id is removed and another added', () => {
    const other: WorkflowAction = { id: 'pause', type: 'delete_record', object: 'deal', recordId: 'x', onFailure: 'stop' };
    expect(texts(base, { ...base, actions: [notify, big, other, save] })).toEqual([
      'Added “Delete record” after “Is it big?” in the main flow',
      'Removed “Wait” (it was after “Is it big?” in the main flow)',
    ]);
  });
});
