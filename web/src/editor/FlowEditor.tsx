import { batch, createMemo, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import {
  ACTION_META,
  ACTION_TYPES,
  TRIGGER_META,
  formatPath,
  summarizeAction,
  walkActions,
  type ActionType,
  type WorkflowAction,
} from '@conduit/core/definition';
import { FlowDiagram, iconOf } from '../flow/FlowDiagram';
import { useEditor } from './context';
import { snapshot, type Path } from './draft';
import { duplicateAction, newAction, starterContext } from './defaults';
import { formFor } from './actions/registry';
import { TextField, fieldId } from './fields';
import { problemsUnder } from './validate';
import { stepName } from './describe';
import { TriggerForm } from './triggers/TriggerForm';
import { StatusBadge } from '../components/ui';
import { conditionInWords } from '../app/words';
import { DryNote, wouldHave } from '../monitor/DryNote';
import { JsonView } from '../components/JsonView';

function allIds(actions: readonly WorkflowAction[]): Set<string> {
  const ids = new Set<string>();
  walkActions(actions, (a) => ids.add(a.id));
  return ids;
}

/** Where the action with this id sits: ["actions", 2, "then", 0]. */
export function pathOfId(actions: readonly WorkflowAction[], id: string): Path | undefined {
  let found: Path | undefined;
  walkActions(actions, (a, p) => {
    if (!found && a.id === id) found = ['actions', ...p];
  });
  return found;
}
const actionAt = (actions: readonly WorkflowAction[], path: Path): WorkflowAction | undefined =>
  path.slice(1).reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k], actions) as WorkflowAction | undefined;

/** Step types grouped as the insert menu shows them; a type not listed here lands in a group by its name. */
const GROUPS: Record<string, string> = {
  create_record: 'Records',
  update_record: 'Records',
  delete_record: 'Records',
  find_records: 'Records',
  upsert_record: 'Records',
  send_email: 'Messages',
  send_webhook: 'Messages',
  condition: 'Logic',
  for_each: 'Logic',
  wait: 'Logic',
  call_workflow: 'Logic',
  wait_for_approval: 'People',
  run_script: 'Code',
};
const GROUP_ORDER = ['Records', 'Messages', 'Logic', 'People', 'Code', 'Other'];
const groupOf = (t: string) => GROUPS[t] ?? (t.includes('record') ? 'Records' : 'Other');

/**
 * The structural edits of the flow (insert, move, duplicate, delete) with an undo history of whole
 * drafts: one home for "what changed the shape", so Ctrl/Cmd+Z and the toast's Undo mean the same.
 */
/**
 * Focuses the first field of the open step's form. A field still loading (the code editor, fetched
 * on demand) is waited for, up to `until`, rather than skipped for the field after it.
 */
function focusFirstField(until: number) {
  const fields = document.querySelector('#step-panel .step-fields');
  if (!fields) return;
  // The code editor's chunk still loading, or loaded with its view not yet mounted into its host.
  if (fields.querySelector('[data-loading], .code-editor:empty') && Date.now() < until) {
    requestAnimationFrame(() => focusFirstField(until));
    return;
  }
  fields.querySelector<HTMLElement>('input, textarea, select, [contenteditable="true"]')?.focus();
}

function createFlowOps() {
  const { store, markFresh, select } = useEditor();
  const history: string[] = [];
  const [depth, setDepth] = createSignal(0);
  const [toast, setToast] = createSignal<{ text: string; id: number; undo: boolean }>();
  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  const remember = () => {
    history.push(JSON.stringify(snapshot(store.draft)));
    if (history.length > 50) history.shift();
    setDepth(history.length);
  };
  const say = (text: string, undo = true) => {
    clearTimeout(toastTimer);
    setToast({ text, id: Date.now(), undo });
    toastTimer = setTimeout(() => setToast(undefined), 8000);
  };
  onCleanup(() => clearTimeout(toastTimer));
  const focusCard = (id: string) => queueMicrotask(() => document.getElementById(`card-${id}`)?.focus());
  return {
    toast,
    dismiss: () => setToast(undefined),
    canUndo: () => depth() > 0,
    insert(listPath: Path, index: number, type: ActionType) {
      remember();
      const action = newAction(type, allIds(store.draft.actions), starterContext(store.draft.trigger));
      markFresh(action.id);
      store.editList(listPath, (list) => list.splice(index, 0, action));
      select(action.id);
      // The new step's form is open; the person starts in its first field.
      queueMicrotask(() => focusFirstField(Date.now() + 3000));
    },
    move(path: Path, delta: number) {
      const listPath = path.slice(0, -1);
      const from = path[path.length - 1] as number;
      const list = actionAt(store.draft.actions, listPath) as unknown as WorkflowAction[] | undefined;
      const length = listPath.length === 1 ? store.draft.actions.length : (list?.length ?? 0);
      if (from + delta < 0 || from + delta >= length) return;
      remember();
      let id = '';
      store.editList(listPath, (l) => {
        const [a] = l.splice(from, 1);
        if (a) {
          id = a.id;
          l.splice(from + delta, 0, a);
        }
      });
      focusCard(id);
    },
    /** Moves a step to another place, in its list or into or out of a lane (drag and drop). */
    moveTo(id: string, listPath: Path, index: number) {
      const from = pathOfId(store.draft.actions, id);
      if (!from) return;
      // Not into its own lanes.
      if (formatPath(listPath).startsWith(formatPath(from)) && listPath.length > from.length) return;
      remember();
      const fromList = from.slice(0, -1);
      const fromIndex = from[from.length - 1] as number;
      const action = JSON.parse(JSON.stringify(actionAt(store.draft.actions, from))) as WorkflowAction;
      const same = formatPath(fromList) === formatPath(listPath);
      store.editList(fromList, (l) => l.splice(fromIndex, 1));
      store.editList(listPath, (l) => l.splice(same && fromIndex < index ? index - 1 : index, 0, action));
      focusCard(id);
    },
    duplicate(path: Path) {
      const action = actionAt(store.draft.actions, path);
      if (!action) return;
      remember();
      const copy = duplicateAction(action, allIds(store.draft.actions));
      store.editList(path.slice(0, -1), (l) => l.splice((path[path.length - 1] as number) + 1, 0, copy));
      select(copy.id);
      focusCard(copy.id);
    },
    /** Deletes without asking; the toast offers Undo. Focus goes to the step before (or the trigger). */
    remove(path: Path) {
      const action = actionAt(store.draft.actions, path);
      if (!action) return;
      remember();
      const index = path[path.length - 1] as number;
      const listPath = path.slice(0, -1);
      const name = stepName(action);
      store.editList(listPath, (l) => l.splice(index, 1));
      select(undefined);
      say(`Deleted “${name}”.`);
      const before = actionAt(store.draft.actions, [...listPath, index - 1]) ?? actionAt(store.draft.actions, [...listPath, index]);
      queueMicrotask(() => (before ? document.getElementById(`card-${before.id}`) : document.getElementById('card-trigger'))?.focus());
    },
    undo() {
      const last = history.pop();
      setDepth(history.length);
      if (!last) return false;
      store.replaceAll(JSON.parse(last));
      say('Undone.', false);
      return true;
    },
  };
}
type FlowOps = ReturnType<typeof createFlowOps>;

/** The "+" on a line: a short, searchable, grouped menu of step types. */
function InsertEdge(props: { listPath: Path; index: number; ops: FlowOps; after: string; dragging: () => string | undefined }) {
  const [open, setOpen] = createSignal(false);
  const [query, setQuery] = createSignal('');
  const [over, setOver] = createSignal(false);
  let button: HTMLButtonElement | undefined;
  let box: HTMLDivElement | undefined;
  const types = createMemo(() => {
    const q = query().trim().toLowerCase();
    return ACTION_TYPES.filter((t) => !q || `${ACTION_META[t].label} ${ACTION_META[t].description} ${groupOf(t)}`.toLowerCase().includes(q));
  });
  const groups = () => GROUP_ORDER.filter((g) => types().some((t) => groupOf(t) === g));
  const close = (refocus = true) => {
    setOpen(false);
    setQuery('');
    if (refocus) button?.focus();
  };
  const onDoc = (e: MouseEvent) => {
    if (open() && box && !box.contains(e.target as Node) && e.target !== button) close(false);
  };
  document.addEventListener('mousedown', onDoc);
  onCleanup(() => document.removeEventListener('mousedown', onDoc));
  const menuId = () => `insert-${fieldId(props.listPath)}-${props.index}`;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for dragged cards; the keyboard way to move is Alt+↑/↓ on a card
    <div
      class="flow-edge"
      classList={{ 'drop-over': over() }}
      onDragOver={(e) => {
        if (!props.dragging()) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const id = props.dragging() ?? e.dataTransfer?.getData('text/plain');
        if (id) props.ops.moveTo(id, props.listPath, props.index);
      }}>
      <button
        type="button"
        class="edge-add"
        ref={button}
        aria-label={`Add a step ${props.after}`}
        aria-expanded={open()}
        aria-controls={open() ? menuId() : undefined}
        onClick={() => (open() ? close() : setOpen(true))}>
        +
      </button>
      <Show when={open()}>
        <div
          class="insert-menu"
          id={menuId()}
          ref={box}
          role="dialog"
          aria-label="Add a step"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}>
          <label class="sr-only" for={`${menuId()}-q`}>
            Search step types
          </label>
          <input
            id={`${menuId()}-q`}
            placeholder="Search steps…"
            value={query()}
            ref={(el) => queueMicrotask(() => el.focus())}
            onInput={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && types().length > 0) {
                e.preventDefault();
                const t = types()[0]!;
                close(false);
                props.ops.insert(props.listPath, props.index, t);
              }
            }}
          />
          <For each={groups()}>
            {(g) => (
              <div class="insert-group">
                <p class="picker-group">{g}</p>
                <For each={types().filter((t) => groupOf(t) === g)}>
                  {(t) => (
                    <button
                      type="button"
                      class="picker-item"
                      onClick={() => {
                        close(false);
                        props.ops.insert(props.listPath, props.index, t);
                      }}>
                      <span aria-hidden="true">{iconOf(t)}</span> <strong>{ACTION_META[t].label}</strong>{' '}
                      <span class="muted">{ACTION_META[t].description}</span>
                    </button>
                  )}
                </For>
              </div>
            )}
          </For>
          <Show when={types().length === 0}>
            <p class="muted">No step type matches “{query()}”.</p>
          </Show>
        </div>
      </Show>
    </div>
  );
}

/** Moves focus to the previous or next card in reading order. */
function focusSibling(from: HTMLElement, delta: number) {
  const cards = [...document.querySelectorAll<HTMLElement>('.flow-card')];
  const i = cards.indexOf(from);
  cards[i + delta]?.focus();
}

function StepCard(props: { action: WorkflowAction; path: Path; ops: FlowOps; onDrag: (id: string | undefined) => void }) {
  const { problems, selected, select, testSteps } = useEditor();
  const issues = () => problemsUnder(problems(), formatPath(props.path));
  const result = () => testSteps().get(props.action.id);
  const typeLabel = () => formFor(props.action.type).label;
  return (
    <button
      type="button"
      class={`flow-card ${result() ? `s-${result()!.status}` : ''}`}
      classList={{ selected: selected() === props.action.id, invalid: issues().length > 0 }}
      id={`card-${props.action.id}`}
      draggable="true"
      aria-pressed={selected() === props.action.id}
      aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown Delete"
      onDragStart={(e) => {
        e.dataTransfer?.setData('text/plain', props.action.id);
        props.onDrag(props.action.id);
      }}
      onDragEnd={() => props.onDrag(undefined)}
      onClick={() => select(props.action.id)}
      onKeyDown={(e) => {
        if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
          e.preventDefault();
          props.ops.move(props.path, e.key === 'ArrowUp' ? -1 : 1);
        } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
          e.preventDefault();
          focusSibling(e.currentTarget, e.key === 'ArrowUp' ? -1 : 1);
        } else if (e.key === 'Delete') {
          e.preventDefault();
          props.ops.remove(props.path);
        }
      }}>
      <span class="flow-icon" aria-hidden="true">
        {iconOf(props.action.type)}
      </span>
      <span class="flow-text">
        <span class="flow-title">
          <strong>{stepName(props.action)}</strong>
          <Show when={props.action.name?.trim()}>
            <span class="muted"> · {typeLabel()}</span>
          </Show>
        </span>
        <span class="flow-summary muted">{props.action.type === 'condition' ? `If ${conditionInWords(props.action.if)}` : summarizeAction(props.action)}</span>
        <Show when={issues().length > 0}>
          <span class="flow-problem">{issues().length === 1 ? `${issues()[0]![1]}` : `${issues().length} problems`}</span>
        </Show>
      </span>
      <Show when={result()}>{(s) => <StatusBadge status={s().status} />}</Show>
    </button>
  );
}

/** The form of one step: its label and id, its type's own fields, what happens when it fails, its last test result. */
export function StepForm(props: { action: WorkflowAction; path: Path }) {
  const { store, testSteps, selected, select } = useEditor();
  const entry = () => formFor(props.action.type);
  const step = () => testSteps().get(props.action.id);
  return (
    <div class="step-fields">
      <Dynamic component={entry().Form} action={props.action} path={props.path} patch={(p: Record<string, unknown>) => store.patchAt(props.path, p)} />
      <Show when={props.action.type !== 'condition'}>
        <div class="field narrow">
          <label for={`${fieldId(props.path)}-onfail`}>If this step fails</label>
          <select
            id={`${fieldId(props.path)}-onfail`}
            value={props.action.onFailure}
            onChange={(e) => store.patchAt(props.path, { onFailure: e.currentTarget.value })}>
            <option value="stop">stop the run</option>
            <option value="continue">continue with the next step</option>
          </select>
        </div>
      </Show>
      <TextField
        label="Step id"
        path={[...props.path, 'id']}
        value={props.action.id}
        hint="Later steps use it as {{steps.<id>.output}}."
        onInput={(id) => {
          // The open step is known by its id: follow the rename so the form stays open while typing.
          // One batch, so the panel never sees the step without its id (it would close and drop focus).
          const wasOpen = selected() === props.action.id;
          batch(() => {
            store.patchAt(props.path, { id });
            if (wasOpen) select(id);
          });
        }}
      />
      <Show when={step()}>
        {(s) => (
          <div class="test-result" data-testid={`test-result-${props.action.id}`}>
            <p>
              <strong>Test run:</strong> <StatusBadge status={s().status} /> {s().attempts ? `${s().attempts} attempt(s)` : ''}
            </p>
            <DryNote step={s()} />
            <Show when={s().error}>
              <p class="error">{s().error}</p>
            </Show>
            <Show when={wouldHave(s())}>
              <JsonView value={s().input} label="input" />
            </Show>
            <Show when={!wouldHave(s()) && s().output !== undefined && s().output !== null}>
              <JsonView value={s().output} label="output" />
            </Show>
          </div>
        )}
      </Show>
    </div>
  );
}

function StepPanel(props: { id: string; ops: FlowOps; onClose: () => void }) {
  const { store } = useEditor();
  const path = () => pathOfId(store.draft.actions, props.id);
  const action = () => {
    const p = path();
    return p ? actionAt(store.draft.actions, p) : undefined;
  };
  return (
    <Show when={action() && path()}>
      <header class="panel-head">
        <span class="flow-icon" aria-hidden="true">
          {iconOf(action()!.type)}
        </span>
        <div class="field grow">
          <label for="step-label" class="sr-only">
            Step label
          </label>
          <input
            id="step-label"
            class="title-input"
            value={action()!.name ?? ''}
            placeholder={formFor(action()!.type).label}
            onInput={(e) => store.patchAt(path()!, { name: e.currentTarget.value || undefined })}
          />
        </div>
        <button type="button" class="icon" aria-label="Close the step" onClick={props.onClose}>
          ✕
        </button>
      </header>
      <p class="muted small">
        {formFor(action()!.type).label}: {formFor(action()!.type).description}
      </p>
      <div class="row wrap panel-tools">
        <button type="button" onClick={() => props.ops.move(path()!, -1)} disabled={path()![path()!.length - 1] === 0}>
          Move up
        </button>
        <button type="button" onClick={() => props.ops.move(path()!, 1)}>
          Move down
        </button>
        <button type="button" onClick={() => props.ops.duplicate(path()!)}>
          Duplicate
        </button>
        <button type="button" class="danger" onClick={() => props.ops.remove(path()!)}>
          Delete step
        </button>
      </div>
      <StepForm action={action()!} path={path()!} />
    </Show>
  );
}

/**
 * The builder: the flow on the left, the selected step's form beside it (a full-screen sheet on a
 * narrow screen). Arrow keys move between cards, Enter opens one, Alt+↑/↓ moves it, Delete removes
 * it (with Undo), Escape closes the form and returns to the card, Ctrl/Cmd+Z undoes the last change
 * to the flow's shape (text fields keep their own undo).
 */
export function FlowEditor(props: { side: JSX.Element }) {
  const { store, selected, select } = useEditor();
  const ops = createFlowOps();
  const [dragging, setDragging] = createSignal<string>();
  const close = () => {
    const id = selected();
    // Leave the focused field first, while its step is still there: its blur marks it touched (so its
    // problem shows on the card) before the panel is removed around it.
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && focused.closest('#step-panel')) focused.blur();
    select(undefined);
    if (id !== undefined) queueMicrotask(() => document.getElementById(`card-${id}`)?.focus());
  };
  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      if (ops.undo()) e.preventDefault();
    }
  };
  document.addEventListener('keydown', onKey);
  onCleanup(() => document.removeEventListener('keydown', onKey));
  const after = (listPath: Path, index: number) => {
    if (index === 0) return listPath.length === 1 ? 'after the trigger' : `at the start of ${String(listPath[listPath.length - 1])}`;
    const prev = actionAt(store.draft.actions, [...listPath, index - 1]);
    return `after ${prev ? stepName(prev) : 'the previous step'}`;
  };
  const trigger = () => store.draft.trigger;
  return (
    <div class="flow-layout" classList={{ 'has-panel': selected() !== undefined }}>
      <section
        class="flow"
        aria-label="Workflow steps"
        onKeyDown={(e) => {
          // Escape on a card (the one just clicked) closes its form too, as it does inside the form.
          if (e.key === 'Escape' && !e.defaultPrevented && selected() !== undefined && (e.target as HTMLElement).classList?.contains('flow-card')) {
            e.preventDefault();
            close();
          }
        }}>
        <button
          type="button"
          class="flow-card trigger-card"
          id="card-trigger"
          classList={{ selected: selected() === 'trigger' }}
          aria-pressed={selected() === 'trigger'}
          onClick={() => select('trigger')}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              focusSibling(e.currentTarget, 1);
            }
          }}>
          <span class="flow-icon" aria-hidden="true">
            ⚡
          </span>
          <span class="flow-text">
            <span class="flow-title">
              <strong>Trigger</strong> <span class="muted">· {TRIGGER_META[trigger().type]?.label}</span>
            </span>
          </span>
        </button>
        <FlowDiagram
          actions={store.draft.actions}
          path={['actions']}
          empty="No steps here yet."
          card={(a, p) => <StepCard action={a} path={p} ops={ops} onDrag={setDragging} />}
          edge={(listPath, index) => <InsertEdge listPath={listPath} index={index} ops={ops} after={after(listPath, index)} dragging={dragging} />}
        />
      </section>
      {/* Kept mounted while a step is open, so the test run's payload and the lists keep their state. */}
      <aside class="editor-side" hidden={selected() !== undefined}>
        {props.side}
      </aside>
      {/* A step whose id is being retyped may have the empty id for a moment: still open. */}
      <Show when={selected() !== undefined}>
        {(_) => {
          const id = () => selected() ?? '';
          return (
            <aside
              class="step-panel"
              id="step-panel"
              aria-label={id() === 'trigger' ? 'Trigger' : 'Step'}
              onKeyDown={(e) => {
                // In the code editor, Escape is the first half of "Escape, then Tab" to leave it.
                if (e.key === 'Escape' && !e.defaultPrevented && !(e.target as HTMLElement).closest?.('.cm-editor')) {
                  e.preventDefault();
                  close();
                }
              }}>
              <Show
                when={id() !== 'trigger'}
                fallback={
                  <>
                    <header class="panel-head">
                      <h2 class="grow">Trigger</h2>
                      <button type="button" class="icon" aria-label="Close the trigger" onClick={close}>
                        ✕
                      </button>
                    </header>
                    <TriggerForm />
                  </>
                }>
                <StepPanel id={id()} ops={ops} onClose={close} />
              </Show>
            </aside>
          );
        }}
      </Show>
      <Show when={ops.toast()} keyed>
        {(t) => (
          <div class="toast" role="status">
            {t.text}{' '}
            <Show when={t.undo && ops.canUndo()}>
              <button type="button" class="link" onClick={() => ops.undo()}>
                Undo
              </button>
            </Show>
            <button type="button" class="icon" aria-label="Dismiss" onClick={ops.dismiss}>
              ✕
            </button>
          </div>
        )}
      </Show>
    </div>
  );
}
