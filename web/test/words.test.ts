import { describe, expect, it } from 'vitest';
import { WorkflowDefinitionSchema, type WorkflowAction } from '@conduit/core/definition';
import { conditionSentences, issueSentence, messageSentence } from '../src/app/words';
import { describeWhere } from '../src/editor/describe';
import { validateDraft } from '../src/editor/validate';
import { newAction, starterContext } from '../src/editor/defaults';
import { ACTION_META, type ActionType } from '@conduit/core/definition';

describe('words for people', () => {
  it('rewrites zod’s own messages as sentences and keeps the schemas’ own words', () => {
    const parsed = WorkflowDefinitionSchema.safeParse({ name: '', trigger: { type: 'record_created', object: 'deal' }, actions: [] });
    expect(parsed.success).toBe(false);
    const sentences = parsed.error!.issues.map((i) => issueSentence(i as Parameters<typeof issueSentence>[0]));
    for (const s of sentences) expect(s).not.toMatch(/Too small|expected string|>=|Invalid input/);
    expect(messageSentence('Too small: expected string to have >=1 characters')).toBe('is required');
    expect(messageSentence('Invalid input: expected number, received string')).toBe('must be a number');
    expect(issueSentence({ code: 'custom', message: 'a subject is required' })).toBe('a subject is required');
  });

  it('no problem of a draft full of empty steps carries raw validator text', () => {
    const actions = (['send_email', 'send_webhook', 'update_record', 'wait', 'run_script', 'condition'] as const).map((t, i) => ({
      ...newAction(t, new Set(), { record: true }),
      id: `s${i}`,
    })) as WorkflowAction[];
    (actions[0] as { to: string }).to = '';
    (actions[3] as { duration: string }).duration = '';
    const problems = validateDraft({ name: '', trigger: { type: 'record_created', object: '' }, actions });
    expect(problems.size).toBeGreaterThan(2);
    for (const [, m] of problems) expect(m).not.toMatch(/^(Too small|Too big|Invalid input|Expected)|>=|<=/);
  });

  it("a new step refers to the trigger's record only when the trigger brings one, leaving the field to fill otherwise", () => {
    const types = Object.keys(ACTION_META) as ActionType[];
    const hook = starterContext({ type: 'webhook', auth: { mode: 'none' }, allowGet: false });
    expect(hook).toEqual({ record: false });
    expect(starterContext({ type: 'record_updated', object: 'deal' })).toEqual({ record: true });
    expect(starterContext({ type: 'manual', allowMembers: false, object: 'deal' })).toEqual({ record: true });
    for (const t of types) expect(JSON.stringify(newAction(t, new Set(), hook)), t).not.toContain('trigger.record');
    expect(types.filter((t) => JSON.stringify(newAction(t, new Set(), { record: true })).includes('trigger.record')).length).toBeGreaterThan(3);
    // Under a webhook the record id is left for the person, and the editor asks for it there.
    const update = { ...newAction('update_record', new Set(), hook), id: 'save' } as WorkflowAction;
    const problems = validateDraft({ name: 'x', trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false }, actions: [update] });
    expect([...problems.entries()].find(([k]) => /recordId/.test(k))?.[1]).toBe('is required');
  });

  it('names the step by its label (or its type) and the field by its label, never the path', () => {
    const draft = {
      trigger: { type: 'record_created', object: 'deal' },
      actions: [
        {
          id: 'big',
          type: 'condition',
          name: 'Is it big?',
          if: { all: [{ left: '{{trigger.record.tier}}', op: 'eq', right: 'big' }] },
          then: [{ id: 'm', type: 'send_email', to: '', subject: '', body: '' }],
          else: [],
        },
        { id: 'w', type: 'send_webhook', url: '' },
      ],
    } as unknown as Parameters<typeof describeWhere>[0];
    expect(describeWhere(draft, 'actions[0].then[0].to')).toEqual({ step: 'Send email', field: 'To' });
    expect(describeWhere(draft, 'actions[0].if.all[0].right')).toEqual({ step: 'Is it big?', field: 'Condition › comparison 1 › Compared to' });
    expect(describeWhere(draft, 'actions[1].url')).toEqual({ step: 'Send webhook', field: 'URL' });
    expect(describeWhere(draft, 'trigger.object')).toEqual({ step: 'Trigger (Record created)', field: 'Object' });
    expect(describeWhere(draft, 'name')).toEqual({ step: 'Workflow', field: 'Workflow name' });
  });

  it('reads a condition step of a run as sentences', () => {
    const input = {
      if: {
        all: [
          { left: '{{trigger.record.tier}}', op: 'eq', right: 'big' },
          { left: '{{trigger.record.owner}}', op: 'exists' },
        ],
      },
    };
    const output = {
      branch: 'else',
      result: false,
      trace: [
        { path: 'all[0]', op: 'eq', left: 'small', right: 'big', result: false },
        { path: 'all[1]', op: 'exists', left: 'ada', right: null, result: true },
      ],
    };
    expect(conditionSentences(input, output).map((s) => s.text)).toEqual(['tier equals big → false (tier was small)', 'owner exists → true']);
  });
});
