import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@solidjs/testing-library';
import { ACTION_TYPES, type WorkflowAction } from '@conduit/core/definition';
import { For } from 'solid-js';
import { walkActions } from '@conduit/core/definition';
import { FlowEditor, StepForm, pathOfId } from '../src/editor/FlowEditor';
import { ACTION_FORMS, formFor } from '../src/editor/actions/registry';
import { newAction } from '../src/editor/defaults';
import { baseDraft, renderEditor } from './harness';

const typeInto = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });

/** Every step's form at once (the builder shows one at a time), for tests of the fields themselves. */
function renderActions(actions: WorkflowAction[]) {
  return renderEditor(baseDraft({ actions }), (e) => {
    const ids = () => {
      const out: string[] = [];
      walkActions(e.store.draft.actions, (a) => out.push(a.id));
      return out;
    };
    return (
      <For each={ids()}>
        {(id) => {
          const path = () => pathOfId(e.store.draft.actions, id);
          const action = () =>
            path()!
              .slice(1)
              .reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], e.store.draft.actions) as WorkflowAction;
          return <section aria-label={`form of ${id}`}>{path() && <StepForm action={action()} path={path()!} />}</section>;
        }}
      </For>
    );
  });
}
/** The builder itself: the flow with its "+" menus and the open step's panel. */
const renderFlow = (actions: WorkflowAction[]) => renderEditor(baseDraft({ actions }), () => <FlowEditor side={null} />);
// Labelled like a person would label them, so buttons and regions are named by the label.
const webhook = (id = 'notify'): WorkflowAction =>
  ({ ...newAction('send_webhook', new Set(), { record: true }), id, name: id, url: 'https://hooks.example.com/won' }) as WorkflowAction;
const email = (id = 'mail'): WorkflowAction =>
  ({ ...newAction('send_email', new Set(), { record: true }), id, name: id, to: 'a@example.com', subject: 'Hi', body: 'x' }) as WorkflowAction;
/** The picker button of the nth field labelled `label` (the picker is named by the field's label, not its path). */
const pickerOf = (label: string, n: number) => screen.getAllByRole('button', { name: `Insert variable into ${label}` })[n]!;

describe('action forms', () => {
  it('has a form for every action type, and each added action starts valid or says what is missing', () => {
    expect(Object.keys(ACTION_FORMS).sort()).toEqual([...ACTION_TYPES].sort());
    const h = renderFlow([]);
    // The last "+" is the end of the top-level list (lanes' come before it in document order).
    for (const type of ACTION_TYPES) {
      const edges = h.container.querySelectorAll<HTMLButtonElement>(':scope .flow > .flow-list > .flow-tail .edge-add');
      fireEvent.click(edges[edges.length - 1]!);
      fireEvent.click(within(screen.getByRole('dialog', { name: 'Add a step' })).getByText(formFor(type).label));
    }
    const d = h.draft();
    expect(d.actions.map((a) => a.type)).toEqual([...ACTION_TYPES]);
    expect(new Set(d.actions.map((a) => a.id)).size).toBe(ACTION_TYPES.length);
    // Each card says its type; the last added is open beside the flow.
    for (const type of ACTION_TYPES) expect(screen.getAllByText(formFor(type).label).length).toBeGreaterThan(0);
    expect(h.editor.selected()).toBe(d.actions[d.actions.length - 1]!.id);
    // send_email starts with empty recipient and subject: the draft knows both are missing…
    const problems = h.editor.allProblems();
    expect(problems.get('actions[0].subject')).toBe('a subject is required');
    expect(problems.has('actions[1].url')).toBe(true);
    // …but a new step is not marked wrong while it is still empty: only once its field is left, or on publish.
    expect(h.editor.problems().has('actions[0].subject')).toBe(false);
    expect(h.container.querySelectorAll('[aria-invalid="true"]').length).toBe(0);
    fireEvent.click(h.container.querySelector('#card-email')!);
    fireEvent.blur(h.container.querySelector('#f-actions_0__subject')!);
    expect(h.editor.problems().get('actions[0].subject')).toBe('a subject is required');
    expect(h.editor.problems().has('actions[0].to')).toBe(false);
    h.editor.revealAll();
    expect(h.editor.problems().has('actions[0].to')).toBe(true);
  });

  it('a new step: a problem held by the field around the one left (a record’s Fields) shows once that field is left', () => {
    const h = renderActions([
      { id: 'create', type: 'create_record', object: 'deal', data: { name: '{{trigger.record.name | shout}}' }, onFailure: 'stop' } as WorkflowAction,
    ]);
    h.editor.markFresh('create');
    expect(h.editor.allProblems().get('actions[0].data')).toBe('unknown function "shout"');
    expect(h.editor.problems().has('actions[0].data')).toBe(false);
    h.editor.touch(['actions', 0, 'data', 'name']);
    expect(h.editor.problems().get('actions[0].data')).toBe('unknown function "shout"');
  });

  it('send webhook: an invalid URL is refused inline with the core schema message', () => {
    const h = renderActions([webhook()]);
    const url = screen.getByLabelText('URL');
    typeInto(url, 'not a url');
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('not a valid http(s) URL')).toBeTruthy();
    expect(h.editor.problems().get('actions[0].url')).toBe('not a valid http(s) URL');
    typeInto(url, 'https://example.com/x?deal={{trigger.record.id}}');
    expect(h.editor.problems().size).toBe(0);
  });

  it('send webhook: the JSON body only reaches the draft when it parses; parse errors are shown in place', () => {
    const h = renderActions([webhook()]);
    const body = screen.getByLabelText('Body (JSON)');
    typeInto(body, '{"deal": "{{trigger.record.name}}"}');
    expect((h.draft().actions[0] as { body?: unknown }).body).toEqual({ deal: '{{trigger.record.name}}' });
    typeInto(body, '{"deal": ');
    expect(screen.getByText(/not valid JSON yet/)).toBeTruthy();
    expect((h.draft().actions[0] as { body?: unknown }).body).toEqual({ deal: '{{trigger.record.name}}' });
  });

  it('send email: several recipients become a list, and a bad address is named', () => {
    const h = renderActions([email()]);
    const to = screen.getByLabelText('To');
    typeInto(to, 'a@example.com, b@example.com');
    expect((h.draft().actions[0] as { to: unknown }).to).toEqual(['a@example.com', 'b@example.com']);
    typeInto(to, 'nobody');
    expect(screen.getByText('not a valid email address')).toBeTruthy();
  });

  it('update record: field values are typed (numbers stay numbers) and at least one field is required', () => {
    const update = { ...newAction('update_record', new Set(), { record: true }), id: 'save' } as WorkflowAction;
    const h = renderActions([update]);
    expect(h.editor.problems().get('actions[0].data')).toBe('give at least one field to update');
    fireEvent.click(screen.getByRole('button', { name: 'Add field' }));
    typeInto(screen.getByLabelText('Field 1 name'), 'score');
    typeInto(screen.getByLabelText('Field 1 value'), '42');
    expect((h.draft().actions[0] as { data: unknown }).data).toEqual({ score: 42 });
    typeInto(screen.getByLabelText('Field 1 value'), 'high');
    expect((h.draft().actions[0] as { data: unknown }).data).toEqual({ score: 'high' });
    expect(h.editor.problems().size).toBe(0);
  });

  it('wait: switching between duration and until keeps exactly one of them', () => {
    const h = renderActions([{ ...newAction('wait', new Set(), { record: true }), id: 'pause' } as WorkflowAction]);
    fireEvent.change(screen.getByLabelText('until a date'), { target: { checked: true } });
    expect(h.draft().actions[0]).not.toHaveProperty('duration');
    expect(h.draft().actions[0]).toHaveProperty('until');
    fireEvent.change(screen.getByLabelText('for a duration'), { target: { checked: true } });
    typeInto(screen.getByLabelText('Duration'), '2 days');
    expect(screen.getByText(/use a duration such as/)).toBeTruthy();
  });

  it('reorders, duplicates with a fresh id, and deletes', () => {
    const h = renderFlow([webhook('a'), email('b')]);
    const card = (id: string) => h.container.querySelector<HTMLButtonElement>(`#card-${id}`)!;
    // Alt+↓ on a card moves it down.
    fireEvent.keyDown(card('a'), { key: 'ArrowDown', altKey: true });
    expect(h.draft().actions.map((x) => x.id)).toEqual(['b', 'a']);
    fireEvent.click(card('a'));
    fireEvent.click(screen.getByRole('button', { name: 'Duplicate' }));
    expect(h.draft().actions.map((x) => x.id)).toEqual(['b', 'a', 'a_2']);
    fireEvent.click(card('b'));
    fireEvent.click(screen.getByRole('button', { name: 'Delete step' }));
    expect(h.draft().actions.map((x) => x.id)).toEqual(['a', 'a_2']);
    // Delete asks nothing and offers Undo; Ctrl+Z outside a text field undoes too.
    fireEvent.click(within(screen.getByRole('status')).getByRole('button', { name: 'Undo' }));
    expect(h.draft().actions.map((x) => x.id)).toEqual(['b', 'a', 'a_2']);
    fireEvent.keyDown(card('a'), { key: 'Delete' });
    expect(h.draft().actions.map((x) => x.id)).toEqual(['b', 'a_2']);
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(h.draft().actions.map((x) => x.id)).toEqual(['b', 'a', 'a_2']);
    fireEvent.click(card('b'));
    expect((screen.getByRole('button', { name: 'Move up' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a duplicate step id is flagged on the second one', () => {
    const h = renderActions([webhook('a'), email('b')]);
    const ids = screen.getAllByLabelText('Step id');
    typeInto(ids[1]!, 'a');
    expect(h.editor.problems().get('actions[1].id')).toMatch(/used twice/);
  });

  it('condition: then and else branches take nested actions; comparisons edit the condition', () => {
    const cond = { ...newAction('condition', new Set(), { record: true }), id: 'big', name: 'big' } as WorkflowAction;
    const h = renderFlow([webhook('notify'), cond]);
    // The condition's lanes come from its meta (then, else); each has its own "+".
    const thenLane = screen.getByRole('region', { name: 'Then of big' });
    fireEvent.click(within(thenLane).getByRole('button', { name: /^Add a step/ }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Add a step' })).getByText(formFor('send_email').label));
    const d = h.draft();
    const c = d.actions[1] as Extract<WorkflowAction, { type: 'condition' }>;
    expect(c.then.map((a) => a.type)).toEqual(['send_email']);
    expect(c.else).toEqual([]);
    // Nested problems carry the full path.
    expect(h.editor.allProblems().get('actions[1].then[0].subject')).toBe('a subject is required');
    fireEvent.click(h.container.querySelector('#card-big')!);
    const compare = screen.getAllByLabelText('Compared to')[0]!;
    typeInto(compare, '10000');
    expect((h.draft().actions[1] as typeof c).if).toEqual({ all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: 10000 }] });
    fireEvent.change(screen.getByLabelText('Comparison'), { target: { value: 'exists' } });
    expect((h.draft().actions[1] as typeof c).if).toEqual({ all: [{ left: '{{trigger.record.amount}}', op: 'exists' }] });
  });
});

describe('variable picker', () => {
  it('offers the trigger and earlier steps only, and inserts at the cursor', async () => {
    const h = renderActions([webhook('first'), email('second'), webhook('third')]);
    const subjects = screen.getAllByLabelText('Subject') as HTMLInputElement[];
    const subject = subjects[0]!;
    typeInto(subject, 'Deal: ');
    subject.setSelectionRange(6, 6);
    fireEvent.click(pickerOf('Subject', 0));
    const menu = screen.getByRole('menu');
    const options = within(menu)
      .getAllByRole('menuitem')
      .map((b) => b.querySelector('code')?.textContent);
    expect(options).toContain('trigger.record.id');
    expect(options).toContain('steps.first.output');
    expect(options).not.toContain('steps.second.output');
    expect(options).not.toContain('steps.third.output');
    // Known record fields come from the records lookup, which resolves asynchronously.
    await screen.findByText('trigger.record.amount');
    expect(within(screen.getByRole('menu')).getByText('trigger.previous.stage')).toBeTruthy();
    fireEvent.click(within(screen.getByRole('menu')).getByText('trigger.record.name'));
    expect((h.draft().actions[1] as { subject: string }).subject).toBe('Deal: {{trigger.record.name}}');
  });

  it('a reference to a later step is refused inline', () => {
    const h = renderActions([email('mail'), webhook('later')]);
    typeInto(screen.getByLabelText('Subject'), 'Got {{steps.later.output.status}}');
    expect(h.editor.problems().get('actions[0].subject')).toMatch(/does not run before this one/);
    expect(screen.getByText(/does not run before this one/)).toBeTruthy();
  });

  it('inside a branch: earlier steps and the enclosing condition are offered, the other branch is not', () => {
    const cond: WorkflowAction = {
      id: 'check',
      type: 'condition',
      onFailure: 'stop',
      if: { all: [{ left: 1, op: 'eq', right: 1 }] },
      then: [webhook('inThen')],
      else: [email('inElse')],
    };
    renderActions([webhook('before'), cond, email('after')]);
    fireEvent.click(pickerOf('Subject', 1));
    const after = within(screen.getByRole('menu'))
      .getAllByRole('menuitem')
      .map((b) => b.querySelector('code')?.textContent);
    // After the condition, its branch steps may not have run, so only the condition itself is offered.
    expect(after).toContain('steps.check.output');
    expect(after).not.toContain('steps.inThen.output');
    fireEvent.click(pickerOf('Subject', 1));
    fireEvent.click(pickerOf('Subject', 0));
    const options = within(screen.getByRole('menu'))
      .getAllByRole('menuitem')
      .map((b) => b.querySelector('code')?.textContent);
    expect(options).toContain('steps.before.output');
    expect(options).toContain('steps.check.output');
    expect(options).not.toContain('steps.inThen.output');
  });
});
