import { createMemo, createSignal, type Accessor } from 'solid-js';
import type { Step } from '../api/schemas';
import { createDraftStore, snapshot, type Draft } from './draft';
import type { EditorContext } from './context';
import { validateDraft, type Problems } from './validate';
import { variablesFor } from './variables';

export type EditorDeps = {
  workspaceId: string;
  initial: Draft;
  workflow: EditorContext['workflow'];
  /** Field names seen on records of an object (the editor asks the records API). */
  loadFields: (object: string) => Promise<string[]>;
  /** Problems the server reported, merged next to the fields they name. */
  extraProblems?: (draftJson: string) => [string, string][];
};

/** Builds the editor's state: the draft store, validation, pickers. Shared by the page and the component tests. */
export function createEditor(deps: EditorDeps): EditorContext & { json: Accessor<string>; setTestSteps: (m: Map<string, Step>) => void } {
  const store = createDraftStore(deps.initial);
  const [testSteps, setTestSteps] = createSignal(new Map<string, Step>());
  const [fields, setFields] = createSignal(new Map<string, string[]>());
  const json = createMemo(() => JSON.stringify(snapshot(store.draft)));
  const problems = createMemo((): Problems => {
    const p = validateDraft(JSON.parse(json()) as Draft);
    for (const [k, v] of deps.extraProblems?.(json()) ?? []) p.set(k, v);
    return p;
  });
  const requested = new Set<string>();
  const knownFields = (object: string): string[] => {
    if (!requested.has(object) && /^[a-z][a-z0-9_]*$/.test(object)) {
      requested.add(object);
      deps
        .loadFields(object)
        .then((f) => setFields((m) => new Map(m).set(object, f)))
        .catch(() => undefined);
    }
    return fields().get(object) ?? [];
  };
  const knownObjects = createMemo(() => [...new Set(['deal', 'contact', 'company', ...fields().keys()])]);
  return {
    store,
    json,
    problems,
    knownFields,
    knownObjects,
    testSteps,
    setTestSteps,
    workspaceId: deps.workspaceId,
    workflow: deps.workflow,
    variablesFor: (path) => {
      const t = store.draft.trigger;
      return variablesFor(path, t, store.draft.actions, 'object' in t && t.object ? knownFields(t.object) : [], testSteps());
    },
  };
}
