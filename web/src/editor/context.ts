import { createContext, useContext, type Accessor } from 'solid-js';
import type { DraftStore, Path } from './draft';
import type { Problems } from './validate';
import type { Step } from '../api/schemas';
import type { Json } from '@conduit/core/definition';

export type Variable = { value: string; label: string; group: string };

export type EditorContext = {
  store: DraftStore;
  /** Problems a person should see now: a new step's stay hidden until its field is left or the draft is published. */
  problems: Accessor<Problems>;
  /** Every problem in the draft, shown or not (saving and publishing look at these). */
  allProblems: Accessor<Problems>;
  /** The field at this path was left: its problem may show. */
  touch: (path: Path) => void;
  /**
   * A check made where its parser is loaded (the code editor's syntax check): a problem of the field
   * for as long as the field holds that text, so the draft is not sent for the API to refuse.
   */
  reportFieldProblem: (path: Path, value: string, message: string | null) => void;
  /** A step just added: its empty fields are not problems yet. */
  markFresh: (actionId: string) => void;
  /** Publish was pressed: every problem shows. */
  revealAll: () => void;
  /** References the field at `path` may use: the trigger payload and earlier steps only. */
  variablesFor: (path: Path) => Variable[];
  /** Field names seen on records of an object, for pickers. */
  knownFields: (object: string) => string[];
  knownObjects: Accessor<string[]>;
  /** Step results of the latest test run, by action id. */
  testSteps: Accessor<Map<string, Step>>;
  /**
   * The value a field's templates give against the test payload (the test run panel's, else a sample)
   * and the last test run's step outputs; inside a loop, for its first item. Null without a template.
   */
  preview: (path: Path, text: string) => { value: Json | undefined; loop: boolean } | null;
  /** The step whose form is open beside the flow: "trigger", an action id, or none. */
  selected: Accessor<string | undefined>;
  select: (id: string | undefined) => void;
  workspaceId: string;
  /** Names of the workspace's secrets, for `{{secrets.NAME}}` pickers (empty when the caller may not list them). */
  secretNames: Accessor<string[]>;
  /** Creates (or replaces) a secret from the form it is needed in; the value goes to the API and is forgotten. */
  saveSecret: (name: string, value: string) => Promise<void>;
  workflow: Accessor<{ id: string; hookId?: string | null | undefined; hookPath?: string | null | undefined } | undefined>;
};

export const EditorCtx = createContext<EditorContext>();
export function useEditor(): EditorContext {
  const ctx = useContext(EditorCtx);
  if (!ctx) throw new Error('editor forms must be rendered inside <EditorCtx.Provider>');
  return ctx;
}
