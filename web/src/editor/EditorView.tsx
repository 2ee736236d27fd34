import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { A, useBeforeLeave } from '@solidjs/router';
import { confirmAction } from '../components/confirm';
import { api } from '../api/endpoints';
import { ApiError, errorText } from '../api/client';
import type { Workflow } from '../api/schemas';
import { EditorCtx } from './context';
import { validateDraft } from './validate';
import { createEditor } from './createEditor';
import { FlowEditor, pathOfId } from './FlowEditor';
import { VersionsPanel } from './VersionsPanel';
import { TestRunPanel } from './TestRunPanel';
import { draftOf } from './draft';
import { fieldId } from './fields';
import { EditorActions } from '../compose/EditorActions';
import { describeWhere, pathToArray } from './describe';
import { messageSentence } from '../app/words';
import { ChangeList, ChooseVersionDialog, turnOn, type Activated } from '../compose/versions';

type SaveState = 'saved' | 'unsaved' | 'saving' | 'invalid' | 'error';
const AUTOSAVE_MS = 600;

/** "actions.0.url" (a path the API might send) → "actions[0].url", the editor's key format. */
const normalisePath = (p: string) => p.replace(/\.(\d+)(?=\.|\[|$)/g, '[$1]');

export function EditorView(props: { workspaceId: string; initial: Workflow }) {
  const [workflow, setWorkflow] = createSignal<Workflow>(props.initial);
  const [saveState, setSaveState] = createSignal<SaveState>('saved');
  const [serverError, setServerError] = createSignal<{ message: string; path?: string | undefined; issues: [string, string][]; forDraft: string }>();
  const [publishMsg, setPublishMsg] = createSignal<{ ok: boolean; text: string }>();
  const [versionsTick, setVersionsTick] = createSignal(0);
  /** Publishing or turning on with unpublished changes: the dialog that shows them first. */
  const [dialog, setDialog] = createSignal<'publish' | 'choose'>();
  const [showChanges, setShowChanges] = createSignal(false);
  // What the draft changes against the live version, fetched again after each save.
  const [changes] = createResource(
    () => (showChanges() && workflow().unpublishedChanges ? workflow().updatedAt : undefined),
    () => api.workflows.diff(props.workspaceId, workflow().id, 'live', 'draft'),
  );
  /** The workflow's state in one phrase: never published, or which version is live (or off). */
  const stateLabel = () => {
    const w = workflow();
    if (w.liveVersion === null || w.liveVersion === undefined) return 'Draft — never published';
    return `${w.isActive ? 'Live' : 'Off'} — version ${w.liveVersion}`;
  };
  /** A webhook secret generated on first publish: shown once. */
  const [newSecret, setNewSecret] = createSignal<string>();

  const ctx = createEditor({
    workspaceId: props.workspaceId,
    initial: draftOf(props.initial),
    workflow,
    loadFields: async (object) => (await api.objects.fields(props.workspaceId, object)).items,
    loadObjects: async () => (await api.objects.list(props.workspaceId)).items,
    loadSecrets: async () => (await api.secrets.list(props.workspaceId)).items.map((s) => s.name),
    saveSecret: async (name, value) => {
      await api.secrets.put(props.workspaceId, name, value);
    },
    // A server refusal stays next to its field until the draft changes.
    extraProblems: (current) => {
      const s = serverError();
      return s && s.forDraft === current ? s.issues : [];
    },
  });
  const { store, json, problems, allProblems, setTestSteps, setTestPayload } = ctx;
  openFieldCtx = {
    select: ctx.select,
    find: (p) => {
      const a = p.slice(1).reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k], store.draft.actions) as
        | { id?: unknown; type?: unknown }
        | undefined;
      return a && typeof a.id === 'string' && typeof a.type === 'string' && pathOfId(store.draft.actions, a.id) ? a.id : undefined;
    },
  };

  let lastSaved = json();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<boolean> = Promise.resolve(true);

  /** Saves the draft if it changed and is valid; resolves true when the server has the current draft. */
  const save = (): Promise<boolean> => {
    clearTimeout(timer);
    chain = chain.then(async () => {
      const current = json();
      if (current === lastSaved) {
        setSaveState('saved');
        return true;
      }
      if (validateDraft(JSON.parse(current)).size > 0) {
        setSaveState('invalid');
        return false;
      }
      setSaveState('saving');
      try {
        const saved = await api.workflows.patch(props.workspaceId, workflow().id, JSON.parse(current));
        lastSaved = current;
        setWorkflow(saved);
        setServerError(undefined);
        setSaveState(json() === current ? 'saved' : 'unsaved');
        return true;
      } catch (e) {
        setServerError(refusal(e, current));
        setSaveState('error');
        return false;
      }
    });
    return chain;
  };

  createEffect(
    on(
      json,
      (current) => {
        if (current === lastSaved) return;
        setSaveState(validateDraft(JSON.parse(current)).size > 0 ? 'invalid' : 'unsaved');
        clearTimeout(timer);
        timer = setTimeout(() => void save(), AUTOSAVE_MS);
      },
      { defer: true },
    ),
  );
  // Leaving inside the app: save a valid draft first; ask before dropping an invalid one.
  useBeforeLeave(async (e) => {
    if (json() === lastSaved) return;
    e.preventDefault();
    if (await save()) return e.retry(true);
    const leave = await confirmAction({
      title: 'Leave without saving?',
      message: `The draft has ${allProblems().size} problem${allProblems().size === 1 ? '' : 's'}, so the latest changes are not saved. Leaving discards them.`,
      confirmLabel: 'Discard changes and leave',
      danger: true,
    });
    if (leave) {
      lastSaved = json();
      e.retry(true);
    }
  });
  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (json() !== lastSaved) e.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);
  onCleanup(() => {
    window.removeEventListener('beforeunload', beforeUnload);
    if (json() !== lastSaved && saveState() !== 'invalid') void save();
  });

  const publish = async () => {
    setPublishMsg(undefined);
    ctx.revealAll();
    if (!(await save())) {
      setPublishMsg({
        ok: false,
        text:
          allProblems().size > 0
            ? `Fix the ${allProblems().size} problem${allProblems().size === 1 ? '' : 's'} first; each is marked next to its field and listed beside the flow.`
            : 'Save failed; see the message above.',
      });
      return;
    }
    // With a live version and changes, the changes are shown before anything is published.
    if (workflow().liveVersion != null && workflow().unpublishedChanges) {
      setDialog('publish');
      return;
    }
    try {
      published(await api.workflows.publish(props.workspaceId, workflow().id));
    } catch (e) {
      setServerError(refusal(e, json()));
      setPublishMsg({ ok: false, text: `Publish failed: ${errorText(e)}` });
    }
  };
  /** After a publish or a turn-on: the new state, the API's words for what happened, a secret shown once. */
  const published = (result: Activated) => {
    setWorkflow(result.workflow);
    setVersionsTick((n) => n + 1);
    setPublishMsg({ ok: true, text: result.message });
    if (result.secret) setNewSecret(result.secret);
  };
  const turnOnNow = async () => {
    setPublishMsg(undefined);
    if (!(await save())) return;
    try {
      const r = await turnOn(props.workspaceId, workflow(), () => setDialog('choose'));
      if (r) published(r);
    } catch (e) {
      setPublishMsg({ ok: false, text: `Could not turn it on: ${errorText(e)}` });
    }
  };
  const deactivate = async () => {
    setPublishMsg(undefined);
    try {
      await api.workflows.deactivate(props.workspaceId, workflow().id);
      setWorkflow({ ...workflow(), isActive: false });
      setPublishMsg({ ok: true, text: 'Turned off: no new runs start until you turn it on or publish again.' });
    } catch (e) {
      setPublishMsg({ ok: false, text: `Could not deactivate: ${errorText(e)}` });
    }
  };

  const saveLabel = () =>
    ({
      saved: 'All changes saved',
      unsaved: 'Unsaved changes…',
      saving: 'Saving…',
      invalid: problems().size > 0 ? `Not saved: fix ${problems().size} problem${problems().size === 1 ? '' : 's'}` : 'Not saved yet: finish the new step',
      error: 'Not saved: the server refused the draft',
    })[saveState()];

  return (
    <EditorCtx.Provider value={ctx}>
      <div class="editor">
        <div class="editor-head">
          <A href={`/w/${props.workspaceId}/settings/workflows`} class="back">
            ← Workflows
          </A>
          <div class="field grow">
            <label for="wf-name">Workflow name</label>
            <input
              id="wf-name"
              class="title-input"
              value={store.draft.name}
              aria-invalid={problems().has('name') ? 'true' : undefined}
              onInput={(e) => store.patchAt([], { name: e.currentTarget.value })}
            />
            <Show when={problems().get('name')}>
              <p class="error field-error">{problems().get('name')}</p>
            </Show>
          </div>
          <div class="publish-box">
            <p class={`save-state ${saveState()}`} role="status" aria-live="polite" data-testid="save-state">
              {saveLabel()}
            </p>
            <p class="publish-state" data-testid="publish-state">
              {stateLabel()}
              <Show when={workflow().unpublishedChanges}>
                {' · '}
                <button type="button" class="link" aria-expanded={showChanges()} aria-controls="unpublished-changes" onClick={() => setShowChanges((v) => !v)}>
                  Unpublished changes
                </button>
              </Show>
            </p>
            <div class="row">
              <button type="button" class="primary" onClick={publish}>
                Publish
              </button>
              <Show when={workflow().isActive}>
                <button type="button" onClick={deactivate}>
                  Turn off
                </button>
              </Show>
              <Show when={!workflow().isActive && workflow().liveVersion != null}>
                <button type="button" onClick={turnOnNow}>
                  Turn on
                </button>
              </Show>
              <EditorActions ws={props.workspaceId} workflow={workflow()} trigger={store.draft.trigger} />
            </div>
          </div>
        </div>
        <Show when={showChanges() && workflow().unpublishedChanges}>
          <section class="card" id="unpublished-changes" aria-labelledby="unpublished-title">
            <h2 id="unpublished-title">Changes since version {workflow().liveVersion}</h2>
            <Show when={changes()} fallback={<p class="muted">{changes.error ? `Could not load the changes: ${errorText(changes.error)}` : 'Loading…'}</p>}>
              {(d) => <ChangeList changes={d().changes} />}
            </Show>
          </section>
        </Show>
        <Show when={dialog()}>
          {(mode) => (
            <ChooseVersionDialog
              ws={props.workspaceId}
              workflow={workflow()}
              mode={mode()}
              onDone={(r) => {
                setDialog(undefined);
                if (r) published(r);
              }}
            />
          )}
        </Show>
        <Show when={serverError()}>
          {(e) => (
            <p class="error" role="alert">
              {serverErrorText(e(), store.draft)}
            </p>
          )}
        </Show>
        <Show when={publishMsg()}>
          {(m) => (
            <p class={m().ok ? 'ok' : 'error'} role={m().ok ? 'status' : 'alert'}>
              {m().text}
            </p>
          )}
        </Show>
        <Show when={newSecret()}>
          <div class="card">
            <label for="published-secret">Webhook secret (shown once: store it now)</label>
            <input id="published-secret" readOnly value={newSecret()} />
          </div>
        </Show>
        <FlowEditor
          side={
            <>
              <Show when={problems().size > 0}>
                <section class="card problems" aria-labelledby="problems-title">
                  <h3 id="problems-title">
                    {problems().size} problem{problems().size === 1 ? '' : 's'}
                  </h3>
                  <ul>
                    <For each={[...problems()]}>
                      {([path, message]) => {
                        const where = () => describeWhere(store.draft, path);
                        return (
                          <li>
                            <a
                              href={`#${fieldId(pathToArray(path))}`}
                              onClick={(e) => {
                                e.preventDefault();
                                openField(path);
                              }}>
                              {where().step === where().field ? where().step : `${where().step} · ${where().field}`}
                            </a>
                            : {message}
                          </li>
                        );
                      }}
                    </For>
                  </ul>
                </section>
              </Show>
              <TestRunPanel onSteps={setTestSteps} onPayload={setTestPayload} save={save} />
              <VersionsPanel tick={versionsTick()} onRestore={(d) => store.replaceAll(d)} activeVersionId={workflow().activeVersionId ?? undefined} />
            </>
          }
        />
      </div>
    </EditorCtx.Provider>
  );
}

/** An API refusal with each issue keyed by the field path it names ("actions[0].url: bad" → "bad"). */
function refusal(e: unknown, forDraft: string) {
  const issues: [string, string][] = [];
  if (e instanceof ApiError)
    for (const i of e.issues) {
      if (!i.path) continue;
      const path = normalisePath(i.path);
      issues.push([path, messageSentence(i.message.startsWith(`${i.path}: `) ? i.message.slice(i.path.length + 2) : i.message)]);
    }
  return { message: errorText(e), path: e instanceof ApiError ? e.path : undefined, issues, forDraft };
}

/** The server's refusal in words: the step and field it names, never the path it was sent with. */
function serverErrorText(e: { message: string; path?: string | undefined; issues: [string, string][] }, draft: Parameters<typeof describeWhere>[0]): string {
  const first = e.issues[0];
  if (!first) return `The server refused the draft: ${messageSentence(e.message.replace(/^[\w.[\]]+: /, ''))}`;
  const where = describeWhere(draft, first[0]);
  const more = e.issues.length > 1 ? ` (and ${e.issues.length - 1} more, marked at their fields)` : '';
  return `The server refused the draft: ${where.step} · ${where.field} ${first[1]}${more}`;
}

/** Opens the step (or trigger) a problem is in, then puts focus in the field. */
function openField(path: string) {
  const ctx = openFieldCtx;
  if (ctx) {
    const parts = pathToArray(path);
    if (parts[0] === 'trigger') ctx.select('trigger');
    else if (parts[0] === 'actions') {
      // The deepest step on the path: walk down while the path still names a step.
      let id: string | undefined;
      for (let n = 2; n <= parts.length; n++) {
        const a = ctx.find(parts.slice(0, n));
        if (a) id = a;
      }
      if (id) ctx.select(id);
    }
  }
  queueMicrotask(() => focusField(path));
}
let openFieldCtx: { select: (id: string) => void; find: (p: (string | number)[]) => string | undefined } | undefined;

function focusField(path: string) {
  const parts = pathToArray(path);
  // The error may sit on a container (e.g. `actions[0].if`); walk up until a field exists.
  for (let n = parts.length; n > 0; n--) {
    const el = document.getElementById(fieldId(parts.slice(0, n)));
    if (el) {
      el.focus();
      el.scrollIntoView({ block: 'center' });
      return;
    }
  }
}
