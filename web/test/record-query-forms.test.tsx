import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@solidjs/testing-library';
import type { WorkflowAction } from '@conduit/core/definition';
import { Index } from 'solid-js';
import { StepForm } from '../src/editor/FlowEditor';
import { newAction } from '../src/editor/defaults';
import { baseDraft, renderEditor } from './harness';

const typeInto = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });

function render(actions: WorkflowAction[]) {
  return renderEditor(baseDraft({ actions }), (e) => <Index each={e.store.draft.actions}>{(a, i) => <StepForm action={a()} path={['actions', i]} />}</Index>, {
    contact: ['email', 'name', 'score'],
  });
}

describe('find_records and upsert_record forms', () => {
  it('find: a comparison row keeps its inputs while typed into; sort rows and the limit edit the draft', () => {
    const h = render([{ ...newAction('find_records', new Set(), { record: true }), id: 'find' } as WorkflowAction]);
    const field = screen.getByLabelText('Field') as HTMLInputElement;
    typeInto(field, 'score');
    // The same element after the draft changed: a re-created row would have dropped focus mid-word.
    expect(screen.getByLabelText('Field')).toBe(field);
    const compare = screen.getByLabelText('Compared to');
    fireEvent.change(screen.getByLabelText('Comparison'), { target: { value: 'gte' } });
    typeInto(screen.getByLabelText('Compared to'), '50');
    expect(screen.getByLabelText('Compared to')).toBe(compare);
    fireEvent.click(screen.getByRole('button', { name: 'Add sort field' }));
    typeInto(screen.getByLabelText('Sort field 1'), 'name');
    typeInto(screen.getByLabelText('Limit'), '0');
    let a = h.draft().actions[0] as Extract<WorkflowAction, { type: 'find_records' }>;
    expect(a).toMatchObject({ where: { all: [{ left: 'score', op: 'gte', right: 50 }] }, orderBy: [{ field: 'name', direction: 'desc' }], limit: 0 });
    expect(h.editor.problems().get('actions[0].limit')).toBe('Limit must be a whole number from 1 to 1,000');
    // The operators are the condition's less "changed"; the whole where can be dropped.
    expect([...(screen.getByLabelText('Comparison') as HTMLSelectElement).options].map((o) => o.value)).not.toContain('changed');
    fireEvent.click(screen.getByRole('button', { name: 'Match every record' }));
    a = h.draft().actions[0] as typeof a;
    expect(a.where).toBeUndefined();
    expect(screen.getByText('Every contact record matches.')).toBeTruthy();
  });

  it('upsert: match chips come and go, and a matched field without a value is flagged', () => {
    const h = render([{ ...newAction('upsert_record', new Set(), { record: true }), id: 'up' } as WorkflowAction]);
    const chips = () =>
      within(screen.getByRole('list', { name: 'Fields matched on' }))
        .queryAllByRole('listitem')
        .map((li) => li.textContent?.replace('✕', ''));
    expect(chips()).toEqual(['email']);
    const input = screen.getByLabelText('Field to match on');
    typeInto(input, 'name');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(chips()).toEqual(['email', 'name']);
    expect(h.editor.problems().get('actions[0].match[1]')).toBe('"name" is matched on, so give it a value in Fields');
    fireEvent.click(screen.getByRole('button', { name: 'Stop matching on name' }));
    expect((h.draft().actions[0] as Extract<WorkflowAction, { type: 'upsert_record' }>).match).toEqual(['email']);
    expect(h.editor.problems().has('actions[0].match[1]')).toBe(false);
  });
});
