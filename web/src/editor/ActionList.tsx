import { createSignal, For, Show } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { ACTION_TYPES, formatPath, summarizeAction, walkActions, type ActionType, type WorkflowAction } from '@conduit/core/definition';
import { useEditor } from './context';
import type { Path } from './draft';
import { duplicateAction, newAction } from './defaults';
import { formFor } from './actions/registry';
import { TextField, fieldId } from './fields';
import { problemsUnder } from './validate';
import { stepName } from './describe';
import { StatusBadge } from '../components/ui';
import { JsonView } from '../components/JsonView';

function allIds(actions: readonly WorkflowAction[]): Set<string> {
  const ids = new Set<string>();
  walkActions(actions, (a) => ids.add(a.id));
  return ids;
}

function AddAction(props: { path: Path; at: number }) {
  const { store, markFresh } = useEditor();
  const [type, setType] = createSignal<ActionType>('send_email');
  const id = () => `add-${fieldId(props.path)}-${props.at}`;
  const add = () => {
    const action = newAction(type(), allIds(store.draft.actions));
    markFresh(action.id);
    store.editList(props.path, (list) => list.splice(props.at, 0, action));
    // Move focus to the new card so keyboard users land where they can configure it.
    queueMicrotask(() => document.getElementById(`card-${action.id}`)?.focus());
  };
  return (
    <div class="add-action row">
      <label for={id()} class="sr-only">
        Action type to add
      </label>
      <select id={id()} value={type()} onChange={(e) => setType(e.currentTarget.value as ActionType)}>
        <For each={ACTION_TYPES}>{(t) => <option value={t}>{formFor(t).label}</option>}</For>
      </select>
      <button type="button" onClick={add}>
        Add action
      </button>
    </div>
  );
}

function ActionCard(props: { action: WorkflowAction; index: number; count: number; listPath: Path }) {
  const { store, problems, testSteps } = useEditor();
  const [open, setOpen] = createSignal(true);
  const path = () => [...props.listPath, props.index];
  const entry = () => formFor(props.action.type);
  const cardProblems = () => problemsUnder(problems(), formatPath(path()));
  const step = () => testSteps().get(props.action.id);
  const move = (delta: number) => {
    const from = props.index;
    store.editList(props.listPath, (list) => {
      const [a] = list.splice(from, 1);
      if (a) list.splice(from + delta, 0, a);
    });
    queueMicrotask(() => document.getElementById(`card-${props.action.id}`)?.focus());
  };
  const duplicate = () => {
    const copy = duplicateAction(props.action, allIds(store.draft.actions));
    store.editList(props.listPath, (list) => list.splice(props.index + 1, 0, copy));
  };
  const remove = () => store.editList(props.listPath, (list) => list.splice(props.index, 1));
  const name = () => stepName(props.action);
  const title = () => (props.action.name?.trim() ? `${entry().label}: ${name()}` : name());

  return (
    <li class="action-card" classList={{ invalid: cardProblems().length > 0 }} id={`card-${props.action.id}`} tabindex="-1" aria-label={title()}>
      <div class="card-head">
        <button type="button" class="link" aria-expanded={open()} onClick={() => setOpen(!open())}>
          {open() ? '▾' : '▸'} <strong>{name()}</strong>
          <Show when={props.action.name?.trim()}>
            <span class="muted"> · {entry().label}</span>
          </Show>
        </button>
        {/* Folded, the card still says what the step does. */}
        <Show when={!open()}>
          <span class="muted card-summary" title={summarizeAction(props.action)}>
            {summarizeAction(props.action)}
          </span>
        </Show>
        <Show when={cardProblems().length > 0}>
          <span class="badge s-failed">
            {cardProblems().length} problem{cardProblems().length > 1 ? 's' : ''}
          </span>
        </Show>
        <Show when={step()}>{(s) => <StatusBadge status={s().status} />}</Show>
        <span class="spacer" />
        <button type="button" class="icon" aria-label={`Move ${name()} up`} disabled={props.index === 0} onClick={() => move(-1)}>
          ↑
        </button>
        <button type="button" class="icon" aria-label={`Move ${name()} down`} disabled={props.index === props.count - 1} onClick={() => move(1)}>
          ↓
        </button>
        <button type="button" aria-label={`Duplicate ${name()}`} onClick={duplicate}>
          Duplicate
        </button>
        <button type="button" class="danger" aria-label={`Delete ${name()}`} onClick={remove}>
          Delete
        </button>
      </div>
      <Show when={open()}>
        <div class="card-body">
          <div class="row wrap">
            <TextField
              label="Step id"
              path={[...path(), 'id']}
              value={props.action.id}
              hint="Later steps use it as {{steps.<id>.output}}."
              onInput={(id) => store.patchAt(path(), { id })}
            />
            <TextField
              label="Label (optional)"
              path={[...path(), 'name']}
              value={props.action.name}
              onInput={(name) => store.patchAt(path(), { name: name || undefined })}
            />
          </div>
          <Dynamic component={entry().Form} action={props.action} path={path()} patch={(p: Record<string, unknown>) => store.patchAt(path(), p)} />
          <Show when={props.action.type !== 'condition'}>
            <div class="field narrow">
              <label for={`${fieldId(path())}-onfail`}>If this step fails</label>
              <select
                id={`${fieldId(path())}-onfail`}
                value={props.action.onFailure}
                onChange={(e) => store.patchAt(path(), { onFailure: e.currentTarget.value })}>
                <option value="stop">stop the run</option>
                <option value="continue">continue with the next step</option>
              </select>
            </div>
          </Show>
          <Show when={step()}>
            {(s) => (
              <div class="test-result" data-testid={`test-result-${props.action.id}`}>
                <p>
                  <strong>Test run:</strong> <StatusBadge status={s().status} /> {s().attempts ? `${s().attempts} attempt(s)` : ''}
                </p>
                <Show when={s().error}>
                  <p class="error">{s().error}</p>
                </Show>
                <Show when={s().output !== undefined && s().output !== null}>
                  <JsonView value={s().output} label="output" />
                </Show>
              </div>
            )}
          </Show>
        </div>
      </Show>
    </li>
  );
}

/** An ordered list of actions (the top level or a condition branch), with add/reorder/duplicate/delete. */
export function ActionList(props: { path: Path; actions: WorkflowAction[] }) {
  return (
    <div class="action-list">
      <Show when={props.actions.length === 0}>
        <p class="muted">
          No actions here yet. Choose an action type and press <em>Add action</em>.
        </p>
      </Show>
      <ol>
        <For each={props.actions}>{(action, i) => <ActionCard action={action} index={i()} count={props.actions.length} listPath={props.path} />}</For>
      </ol>
      <AddAction path={props.path} at={props.actions.length} />
    </div>
  );
}
