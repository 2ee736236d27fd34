import { cleanup, render } from '@solidjs/testing-library';
import { afterEach } from 'vitest';
import type { JSX } from 'solid-js';
import { EditorCtx } from '../src/editor/context';
import { createEditor } from '../src/editor/createEditor';
import type { Draft } from '../src/editor/draft';

// Vitest globals are off, so the library cannot register its own cleanup.
afterEach(cleanup);

/**
 * Renders editor forms around a real draft store and the real core validation. Only the records
 * lookup for field pickers is given inline data (there is no server in a component test).
 */
export function renderEditor(
  initial: Draft,
  ui: (editor: ReturnType<typeof createEditor>) => JSX.Element,
  fields: Record<string, string[]> = { deal: ['amount', 'name', 'ownerEmail', 'stage'] },
) {
  let editor!: ReturnType<typeof createEditor>;
  const result = render(() => {
    editor = createEditor({
      workspaceId: 'ws1',
      initial,
      workflow: () => ({ id: 'wf1', hookId: 'hook123' }),
      loadFields: async (o) => fields[o] ?? [],
    });
    return <EditorCtx.Provider value={editor}>{ui(editor)}</EditorCtx.Provider>;
  });
  return { ...result, editor, draft: () => JSON.parse(editor.json()) as Draft };
}

export const baseDraft = (over: Partial<Draft> = {}): Draft => ({
  name: 'Test workflow',
  trigger: { type: 'field_changed', object: 'deal', field: 'stage', to: 'won' },
  actions: [],
  ...over,
});
