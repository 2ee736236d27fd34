import { createSignal, For, Index, Show } from 'solid-js';
import {
  FIND_LIMIT_MAX,
  RECORD_COLUMNS,
  RECORD_OPS,
  describeWhere,
  formatPath,
  type ConditionGroup,
  type FindRecordsAction,
  type OrderBy,
  type RecordConditionGroup,
  type UpsertRecordAction,
} from '@conduit/core/definition';
import { NumberField, SelectField, TextField, fieldId } from '../fields';
import { useEditor } from '../context';
import type { Path } from '../draft';
import { GroupEditor, type LeftEditor } from './ConditionForm';
import { DataField, ObjectInput } from './forms';
import type { ActionFormProps } from './types';

/** The record's own columns, offered after the object's data fields. */
const COLUMN_FIELDS = Object.keys(RECORD_COLUMNS);

/** One datalist per form with the object's known fields (from its records) and the record's columns. */
function FieldList(props: { id: string; object: string; columns?: boolean }) {
  const { knownFields } = useEditor();
  return (
    <datalist id={props.id}>
      <For each={[...knownFields(props.object), ...(props.columns === false ? [] : COLUMN_FIELDS)]}>{(f) => <option value={f} />}</For>
    </datalist>
  );
}

const listIdFor = (path: Path) => `record-fields-${path.join('_')}`;

export function FindRecordsForm(props: ActionFormProps<FindRecordsAction>) {
  const { knownFields, problems } = useEditor();
  const listId = () => listIdFor(props.path);
  const fieldLeft: LeftEditor = (p) => (
    <TextField
      label="Field"
      path={p.path}
      value={typeof p.value === 'string' ? p.value : ''}
      list={listId()}
      placeholder="email"
      onInput={(v) => p.onInput(v.trim())}
    />
  );
  const whereError = () => problems().get(formatPath([...props.path, 'where']));
  const addWhere = () => props.patch({ where: { all: [{ left: knownFields(props.action.object)[0] ?? '', op: 'eq', right: '' }] } });
  const orderBy = (): OrderBy[] => props.action.orderBy ?? [];
  const setOrder = (rows: OrderBy[]) => props.patch({ orderBy: rows.length ? rows : undefined });
  return (
    <>
      <ObjectInput path={props.path} value={props.action.object} onInput={(object) => props.patch({ object })} />
      <FieldList id={listId()} object={props.action.object} />
      <fieldset class="field">
        <legend>Where</legend>
        <Show
          when={props.action.where}
          fallback={
            <div class="row wrap">
              <p class="muted">Every {props.action.object || 'record'} record matches.</p>
              <button type="button" onClick={addWhere}>
                Add a condition
              </button>
            </div>
          }>
          {(where) => (
            <>
              <GroupEditor
                group={where() as ConditionGroup}
                path={[...props.path, 'where']}
                depth={0}
                ops={RECORD_OPS}
                left={fieldLeft}
                onChange={(g) => props.patch({ where: g as RecordConditionGroup })}
              />
              <p class="hint">
                Matches records where {describeWhere(where())}. Compared values may hold variables; numbers compare as numbers and ISO dates as dates.
              </p>
              <button type="button" onClick={() => props.patch({ where: undefined })}>
                Match every record
              </button>
            </>
          )}
        </Show>
        <Show when={whereError()}>
          <p class="error field-error">{whereError()}</p>
        </Show>
      </fieldset>
      <fieldset class="field">
        <legend>Sort by</legend>
        <Show when={orderBy().length === 0}>
          <p class="muted">Oldest first.</p>
        </Show>
        <Index each={orderBy()}>
          {(row, i) => (
            <div class="kv-row">
              <TextField
                label={`Sort field ${i + 1}`}
                path={[...props.path, 'orderBy', i, 'field']}
                value={row().field}
                list={listId()}
                onInput={(field) => setOrder(orderBy().map((r, j) => (j === i ? { ...r, field: field.trim() } : r)))}
              />
              <SelectField
                label={`Direction ${i + 1}`}
                path={[...props.path, 'orderBy', i, 'direction']}
                value={row().direction}
                options={[
                  { value: 'asc', label: 'Ascending (A→Z, 1→9)' },
                  { value: 'desc', label: 'Descending (Z→A, 9→1)' },
                ]}
                onChange={(direction) => setOrder(orderBy().map((r, j) => (j === i ? { ...r, direction } : r)))}
              />
              <button type="button" class="icon" aria-label={`Remove sort field ${i + 1}`} onClick={() => setOrder(orderBy().filter((_, j) => j !== i))}>
                ✕
              </button>
            </div>
          )}
        </Index>
        <Show when={orderBy().length < 5}>
          <button type="button" onClick={() => setOrder([...orderBy(), { field: '_createdAt', direction: 'desc' }])}>
            Add sort field
          </button>
        </Show>
      </fieldset>
      <NumberField
        label="Limit"
        path={[...props.path, 'limit']}
        value={props.action.limit}
        min={1}
        max={FIND_LIMIT_MAX}
        onInput={(limit) => props.patch({ limit })}
      />
    </>
  );
}

/** The fields an upsert matches on, as removable chips, and an input that adds one (Enter or the button). */
function MatchChips(props: { path: Path; value: string[]; suggestions: string[]; onChange: (v: string[]) => void }) {
  const { problems, touch } = useEditor();
  const [text, setText] = createSignal('');
  let input: HTMLInputElement | undefined;
  const id = () => fieldId([...props.path, 'new']);
  const listId = () => `${id()}-list`;
  // A chip's problem is keyed by its place (match[1]): adding one, or leaving the input, counts as having touched them all.
  const touchAll = () => {
    for (let i = 0; i < props.value.length; i++) touch([...props.path, i]);
  };
  const add = () => {
    const f = text().trim();
    if (f && !props.value.includes(f)) props.onChange([...props.value, f]);
    setText('');
    touchAll();
    input?.focus();
  };
  const errors = () =>
    [formatPath(props.path), ...props.value.map((_, i) => formatPath([...props.path, i]))].map((k) => problems().get(k)).filter((e): e is string => !!e);
  return (
    <fieldset class="field">
      <legend>Match on</legend>
      <ul class="chips" aria-label="Fields matched on">
        <For each={props.value}>
          {(f, i) => (
            <li class="chip">
              <code>{f}</code>
              <button
                type="button"
                class="icon"
                aria-label={`Stop matching on ${f}`}
                onClick={() => {
                  props.onChange(props.value.filter((_, j) => j !== i()));
                  input?.focus();
                }}>
                ✕
              </button>
            </li>
          )}
        </For>
      </ul>
      <div class="row wrap">
        <div class="field">
          <label for={id()}>Field to match on</label>
          <input
            id={id()}
            ref={(e) => (input = e)}
            list={listId()}
            value={text()}
            aria-describedby={`${id()}-hint`}
            onInput={(e) => setText(e.currentTarget.value)}
            onBlur={touchAll}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
          />
          <datalist id={listId()}>
            <For each={props.suggestions.filter((s) => !props.value.includes(s))}>{(f) => <option value={f} />}</For>
          </datalist>
        </div>
        <button type="button" onClick={add}>
          Add match field
        </button>
      </div>
      <p class="hint" id={`${id()}-hint`}>
        The record whose values of these fields equal the ones below is updated; when none has them, one is created.
      </p>
      <For each={errors()}>{(e) => <p class="error field-error">{e}</p>}</For>
    </fieldset>
  );
}

export function UpsertRecordForm(props: ActionFormProps<UpsertRecordAction>) {
  const { knownFields } = useEditor();
  return (
    <>
      <ObjectInput path={props.path} value={props.action.object} onInput={(object) => props.patch({ object })} />
      <MatchChips
        path={[...props.path, 'match']}
        value={props.action.match}
        suggestions={[...new Set([...Object.keys(props.action.data ?? {}), ...knownFields(props.action.object)])]}
        onChange={(match) => props.patch({ match })}
      />
      <DataField path={props.path} object={props.action.object} value={props.action.data} onChange={(data) => props.patch({ data })} />
    </>
  );
}
