import { createMemo, createSignal, type Accessor } from 'solid-js';
import { formatPath, walkActions } from '@conduit/core/definition';
import type { Step } from '../api/schemas';
import { createDraftStore, snapshot, type Draft, type Path } from './draft';
import type { EditorContext } from './context';
import { validateDraft, type Problems } from './validate';
import { actionPathOf, loopsAround, variablesFor } from './variables';
import { sampleTriggerPayload, shapeTriggerSample, TriggerPayloadSchema, type ForEachAction, type Json } from '@conduit/core/definition';
import { resolveString, resolveTemplate, type TemplateContext } from '@conduit/core/expressions';

export type EditorDeps = {
  workspaceId: string;
  initial: Draft;
  workflow: EditorContext['workflow'];
  /** Field names seen on records of an object (the editor asks the records API). */
  loadFields: (object: string) => Promise<string[]>;
  /** Object names that have records in the workspace, for the object pickers. */
  loadObjects?: () => Promise<string[]>;
  /** Problems the server reported, merged next to the fields they name. */
  extraProblems?: (draftJson: string) => [string, string][];
  /** The workspace's secret names (the secrets API; admins only). */
  loadSecrets?: () => Promise<string[]>;
  saveSecret?: (name: string, value: string) => Promise<void>;
};

/** Builds the editor's state: the draft store, validation, pickers. Shared by the page and the component tests. */
export function createEditor(
  deps: EditorDeps,
): EditorContext & { json: Accessor<string>; setTestSteps: (m: Map<string, Step>) => void; setTestPayload: (p: unknown) => void } {
  const store = createDraftStore(deps.initial);
  const [testSteps, setTestSteps] = createSignal(new Map<string, Step>());
  const [testPayload, setTestPayload] = createSignal<unknown>(undefined);
  const [fields, setFields] = createSignal(new Map<string, string[]>());
  const json = createMemo(() => JSON.stringify(snapshot(store.draft)));
  const [reported, setReported] = createSignal(new Map<string, { path: Path; value: string; message: string }>());
  const allProblems = createMemo((): Problems => {
    const draft = JSON.parse(json()) as Draft;
    const p = validateDraft(draft);
    for (const [k, v] of deps.extraProblems?.(json()) ?? []) p.set(k, v);
    for (const [k, r] of reported()) {
      const now = r.path.reduce<unknown>((o, key) => (o as Record<string | number, unknown> | undefined)?.[key], draft);
      if (now === r.value && !p.has(k)) p.set(k, r.message);
    }
    return p;
  });
  // A new step starts empty; it is not "wrong" until the person leaves a field of it or publishes.
  const [fresh, setFresh] = createSignal(new Set<string>());
  const [touched, setTouched] = createSignal(new Set<string>());
  const [revealed, setRevealed] = createSignal(false);
  const freshPrefixes = createMemo(() => {
    const ids = fresh();
    const out: string[] = [];
    if (ids.size > 0) walkActions(store.draft.actions, (a, path) => ids.has(a.id) && out.push(formatPath(['actions', ...path])));
    return out;
  });
  const problems = createMemo((): Problems => {
    const all = allProblems();
    const prefixes = freshPrefixes();
    if (revealed() || prefixes.length === 0) return all;
    const t = [...touched()];
    const under = (k: string, p: string) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`);
    // A problem may sit on the field that holds the one left (an unknown function in a record's
    // "name" value is reported on its Fields, `data`): leaving any field under it shows it.
    return new Map([...all].filter(([k]) => t.some((x) => under(x, k)) || !prefixes.some((p) => under(k, p))));
  });
  const [selected, select] = createSignal<string>();
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
  const [objects, setObjects] = createSignal<string[]>([]);
  deps
    .loadObjects?.()
    .then(setObjects)
    .catch(() => undefined);
  const [secretNames, setSecretNames] = createSignal<string[]>([]);
  const reloadSecrets = () =>
    deps
      .loadSecrets?.()
      .then(setSecretNames)
      .catch(() => undefined);
  void reloadSecrets();
  const saveSecret = async (name: string, value: string) => {
    if (!deps.saveSecret) throw new Error('secrets cannot be created here');
    await deps.saveSecret(name, value);
    setSecretNames((names) => [...new Set([...names, name])].sort());
  };
  const knownObjects = createMemo(() => [...new Set(['deal', 'contact', 'company', ...objects(), ...fields().keys()])]);
  return {
    store,
    json,
    problems,
    allProblems,
    touch: (path) => {
      const key = formatPath(path);
      if (!touched().has(key)) setTouched((s) => new Set(s).add(key));
    },
    reportFieldProblem: (path, value, message) => {
      const key = formatPath(path);
      const had = reported().get(key);
      if (message === null ? !had : had?.value === value && had.message === message) return;
      setReported((m) => {
        const next = new Map(m);
        if (message === null) next.delete(key);
        else next.set(key, { path: [...path], value, message });
        return next;
      });
    },
    selected,
    select: (id) => select(id),
    markFresh: (id) => setFresh((s) => new Set(s).add(id)),
    revealAll: () => setRevealed(true),
    knownFields,
    knownObjects,
    testSteps,
    setTestSteps,
    setTestPayload,
    preview: (path, text) => {
      if (!text.includes('{{')) return null;
      const steps: Record<string, unknown> = {};
      for (const [id, st] of testSteps()) steps[id] = { status: st.status, output: st.output };
      // As the test run will see it: a full payload as is, else shaped by the trigger's type (a webhook's body).
      const typed = testPayload();
      const trigger =
        typed === undefined
          ? sampleTriggerPayload(store.draft.trigger)
          : TriggerPayloadSchema.safeParse(typed).success
            ? typed
            : shapeTriggerSample(store.draft.trigger, typed, new Date());
      const ctx: TemplateContext = { trigger, steps };
      const at = actionPathOf(path, store.draft.actions);
      const loops = at ? (loopsAround(at, store.draft.actions) as ForEachAction[]) : [];
      // Inside loops: each one's first item, resolved from the outside in.
      for (const loop of loops) {
        const items = typeof loop.items === 'string' ? resolveTemplate(loop.items, ctx) : loop.items;
        ctx.item = Array.isArray(items) ? (items[0] ?? null) : null;
        ctx.index = 0;
      }
      return { value: resolveString(text, ctx) as Json | undefined, loop: loops.length > 0 };
    },
    workspaceId: deps.workspaceId,
    secretNames,
    saveSecret,
    workflow: deps.workflow,
    variablesFor: (path) => {
      const t = store.draft.trigger;
      return variablesFor(path, t, store.draft.actions, 'object' in t && t.object ? knownFields(t.object) : [], testSteps(), secretNames());
    },
  };
}
