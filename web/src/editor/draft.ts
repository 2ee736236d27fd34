import { createStore, produce } from 'solid-js/store';
import type { WorkflowAction, WorkflowTrigger } from '@conduit/core/definition';

/** The definition being edited. It may be invalid while the user types; validation runs beside it. */
export type Draft = { name: string; description?: string | null; trigger: WorkflowTrigger; actions: WorkflowAction[] };
export type Path = (string | number)[];

type Node = Record<string | number, unknown>;
const at = (root: unknown, path: Path): Node => path.reduce<Node>((o, k) => o[k] as Node, root as Node);

/** A store for the draft with path-addressed updates, so nested forms need no knowledge of their parents. */
export function createDraftStore(initial: Draft) {
  const [draft, setDraft] = createStore<Draft>(structuredClone(initial));
  return {
    draft,
    /** Sets fields on the object at `path`; `undefined` removes the field. */
    patchAt(path: Path, patch: Record<string, unknown>) {
      setDraft(
        produce((d) => {
          const target = at(d, path);
          for (const [k, v] of Object.entries(patch)) {
            if (v === undefined) delete target[k];
            else target[k] = v;
          }
        }),
      );
    },
    /** Replaces the value at `path` (for example the whole trigger when its type changes). */
    replaceAt(path: Path, value: unknown) {
      setDraft(
        produce((d) => {
          const parent = at(d, path.slice(0, -1));
          parent[path[path.length - 1]!] = value;
        }),
      );
    },
    /** Edits the action list at `path` in place (add, move, remove). */
    editList(path: Path, edit: (list: WorkflowAction[]) => void) {
      // Sound: callers pass the path of an action list (the top level or a branch).
      setDraft(produce((d) => edit(at(d, path) as unknown as WorkflowAction[])));
    },
    replaceAll(next: Draft) {
      setDraft(structuredClone(next));
    },
  };
}
export type DraftStore = ReturnType<typeof createDraftStore>;

/** Plain JSON of the draft for saving and validation (stores hand out proxies). */
export const snapshot = (d: Draft): Draft => JSON.parse(JSON.stringify(d)) as Draft;

/** The editable part of a workflow as the API returns it (validated by the editor, not here). */
export const draftOf = (wf: { name: string; description?: string | null | undefined; trigger: unknown; actions: unknown }): Draft =>
  ({ name: wf.name, description: wf.description ?? null, trigger: wf.trigger, actions: wf.actions }) as Draft;
