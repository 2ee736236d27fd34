import { createComputed, createEffect, createMemo, createSignal, For, on, Show, onCleanup } from 'solid-js';
import { newRowKey } from './rows';
import { formatPath, type Json } from '@conduit/core/definition';
import { useEditor } from './context';
import type { Path } from './draft';

/** DOM id for a field at a definition path (stable, unique per field). */
export const fieldId = (path: Path) => `f-${formatPath(path).replace(/[^A-Za-z0-9_-]/g, '_')}`;

export function useFieldError(path: () => Path) {
  const { problems } = useEditor();
  return () => problems().get(formatPath(path()));
}

/**
 * Marks the field at `path` as left (its problems show from then on), for its blur. The path is kept as
 * last seen while the field is mounted, not read at blur time: a field that has focus when its step's
 * panel closes (Escape) is blurred as it is removed, when the step's path can no longer be read.
 */
export function useTouch(path: () => Path): () => void {
  const { touch } = useEditor();
  let last: Path = [];
  createComputed(() => {
    last = path();
  });
  return () => touch(last);
}

export { parseLoose, showLoose } from '../app/loose';
import { parseLoose, showLoose } from '../app/loose';

type TextProps = {
  label: string;
  path: Path;
  value: string | undefined;
  onInput: (v: string) => void;
  multiline?: boolean;
  placeholder?: string;
  hint?: string;
  vars?: boolean;
  list?: string;
  type?: string;
  rows?: number;
  class?: string;
  required?: boolean;
};

/** Labelled input with its error underneath and, optionally, a variable picker. */
export function TextField(props: TextProps) {
  const id = () => fieldId(props.path);
  const error = useFieldError(() => props.path);
  const { preview } = useEditor();
  const touch = useTouch(() => props.path);
  const shown = () => (props.vars ? preview(props.path, props.value ?? '') : null);
  let el: HTMLInputElement | HTMLTextAreaElement | undefined;
  const insert = (text: string) => {
    const input = el;
    const current = props.value ?? '';
    if (!input) return props.onInput(current + text);
    const start = input.selectionStart ?? current.length;
    const end = input.selectionEnd ?? current.length;
    props.onInput(current.slice(0, start) + text + current.slice(end));
    queueMicrotask(() => {
      input.focus();
      input.setSelectionRange(start + text.length, start + text.length);
    });
  };
  const describedBy = () => [props.hint ? `${id()}-hint` : '', error() ? `${id()}-err` : ''].filter(Boolean).join(' ') || undefined;
  const common = () => ({
    id: id(),
    placeholder: props.placeholder,
    'aria-invalid': error() ? ('true' as const) : undefined,
    'aria-describedby': describedBy(),
    required: props.required,
    onBlur: touch,
  });
  return (
    <div class={`field ${props.class ?? ''}`}>
      <div class="field-label">
        <label for={id()}>{props.label}</label>
        <Show when={props.vars}>
          <VariablePicker path={props.path} label={props.label} onPick={(v) => insert(`{{${v}}}`)} />
        </Show>
      </div>
      <Show
        when={props.multiline}
        fallback={
          <input
            {...common()}
            ref={(e) => (el = e)}
            type={props.type ?? 'text'}
            list={props.list}
            value={props.value ?? ''}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
        }>
        <textarea {...common()} ref={(e) => (el = e)} rows={props.rows ?? 4} value={props.value ?? ''} onInput={(e) => props.onInput(e.currentTarget.value)} />
      </Show>
      <Show when={props.hint}>
        <p class="hint" id={`${id()}-hint`}>
          {props.hint}
        </p>
      </Show>
      <Show when={!error() && shown()}>
        {(p) => (
          <p class="hint preview" id={`${id()}-preview`} aria-live="polite">
            Preview{p().loop ? ' (first item)' : ''}: <code>{previewText(p().value)}</code>
          </p>
        )}
      </Show>
      <Show when={error()}>
        <p class="error field-error" id={`${id()}-err`}>
          {error()}
        </p>
      </Show>
    </div>
  );
}

/** A template's value as the preview line shows it: text as is, anything else as JSON, long values cut. */
function previewText(v: Json | undefined): string {
  if (v === undefined) return 'nothing (the path is not in the test payload)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

export function SelectField<T extends string>(props: {
  label: string;
  path: Path;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  const id = () => fieldId(props.path);
  const error = useFieldError(() => props.path);
  const touch = useTouch(() => props.path);
  return (
    <div class="field">
      <label for={id()}>{props.label}</label>
      <select
        id={id()}
        value={props.value}
        onBlur={touch}
        aria-invalid={error() ? 'true' : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value as T)}>
        <For each={props.options}>{(o) => <option value={o.value}>{o.label}</option>}</For>
      </select>
      <Show when={error()}>
        <p class="error field-error">{error()}</p>
      </Show>
    </div>
  );
}

export function NumberField(props: {
  label: string;
  path: Path;
  value: number | undefined;
  onInput: (v: number | undefined) => void;
  min?: number;
  max?: number;
  step?: number;
}) {
  const id = () => fieldId(props.path);
  const error = useFieldError(() => props.path);
  const touch = useTouch(() => props.path);
  return (
    <div class="field narrow">
      <label for={id()}>{props.label}</label>
      <input
        id={id()}
        type="number"
        onBlur={touch}
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value ?? ''}
        aria-invalid={error() ? 'true' : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))}
      />
      <Show when={error()}>
        <p class="error field-error">{error()}</p>
      </Show>
    </div>
  );
}

export function CheckField(props: { label: string; path: Path; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <div class="field check">
      <input id={fieldId(props.path)} type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.currentTarget.checked)} />
      <label for={fieldId(props.path)}>{props.label}</label>
    </div>
  );
}

type LooseProps = Omit<TextProps, 'value' | 'onInput'> & { value: Json | undefined; onInput: (v: Json) => void };

/**
 * A value box whose text is read loosely (numbers, true/false, JSON lists as such; anything else as
 * text). It shows what the person typed, not the value printed back: "1.50" stays "1.50" although it
 * is the number 1.5, and a trailing space stays. The value from outside wins once it differs (undo,
 * restore, a variable inserted).
 */
export function LooseTextField(props: LooseProps) {
  const [typed, setTyped] = createSignal<string>();
  const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);
  const text = () => {
    const t = typed();
    return t !== undefined && same(parseLoose(t), props.value) ? t : showLoose(props.value);
  };
  return (
    <TextField
      {...props}
      value={text()}
      onInput={(t) => {
        setTyped(t);
        props.onInput(parseLoose(t));
      }}
    />
  );
}

type KvRow = { id: string; key: string; text: string };

/**
 * A name → value map (record data, headers, query): one row per entry. The rows are the form's own
 * state with stable ids, so renaming a key or typing a value never rebuilds a row (focus and caret
 * stay), a new row starts empty instead of with a made-up name, and rows keep their order. The map
 * sent to the draft leaves out rows without a name; a change from outside (undo, restore) replaces the rows.
 */
export function KeyValueField(props: {
  label: string;
  path: Path;
  value: Record<string, Json>;
  onChange: (v: Record<string, Json>) => void;
  keyLabel?: string;
  keyList?: string;
  raw?: boolean;
  addLabel?: string;
}) {
  const { problems } = useEditor();
  const toText = (v: Json) => (props.raw && typeof v === 'string' ? v : showLoose(v));
  const rowsOf = (value: Record<string, Json> | undefined): KvRow[] =>
    Object.entries(value ?? {}).map(([key, v]) => ({ id: newRowKey(), key, text: toText(v) }));
  const [rows, setRows] = createSignal<KvRow[]>(rowsOf(props.value));
  const mapOf = (list: KvRow[]) => {
    const out: Record<string, Json> = {};
    for (const r of list) if (r.key.trim() !== '') out[r.key] = props.raw ? r.text : parseLoose(r.text);
    return out;
  };
  let sent = JSON.stringify(mapOf(rows()));
  createEffect(
    on(
      () => JSON.stringify(props.value ?? {}),
      (now) => {
        if (now === sent) return;
        sent = now;
        setRows(rowsOf(props.value));
      },
      { defer: true },
    ),
  );
  const emit = (next: KvRow[]) => {
    setRows(next);
    const out = mapOf(next);
    const json = JSON.stringify(out);
    if (json === sent) return;
    sent = json;
    props.onChange(out);
  };
  const edit = (id: string, patch: Partial<KvRow>) => emit(rows().map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const ids = createMemo(() => rows().map((r) => r.id));
  const rowOf = (id: string) => rows().find((r) => r.id === id) ?? { id, key: '', text: '' };
  const add = () => {
    const row = { id: newRowKey(), key: '', text: '' };
    setRows([...rows(), row]);
    queueMicrotask(() => document.getElementById(`${fieldId(props.path)}-${row.id}-key`)?.focus());
  };
  const error = () => problems().get(formatPath(props.path));
  const noun = () => props.keyLabel ?? 'Field';
  const duplicate = (r: KvRow) => r.key.trim() !== '' && rows().filter((o) => o.key === r.key).length > 1;
  return (
    <fieldset class="field kv">
      <legend>{props.label}</legend>
      <Show when={rows().length === 0}>
        <p class="muted">None yet.</p>
      </Show>
      <For each={ids()}>
        {(id) => {
          const row = () => rowOf(id);
          const n = () => ids().indexOf(id) + 1;
          const keyId = () => `${fieldId(props.path)}-${id}-key`;
          const valuePath = () => [...props.path, row().key];
          const touchKey = useTouch(valuePath);
          return (
            <div class="kv-row">
              <div class="field">
                <label for={keyId()}>{`${noun()} ${n()} name`}</label>
                <input
                  id={keyId()}
                  value={row().key}
                  list={props.keyList}
                  aria-invalid={duplicate(row()) ? 'true' : undefined}
                  onInput={(e) => edit(id, { key: e.currentTarget.value })}
                  onBlur={touchKey}
                />
                <Show when={duplicate(row())}>
                  <p class="error field-error">Another {noun().toLowerCase()} has this name; only the last one is kept.</p>
                </Show>
                <Show when={row().key.trim() === '' && row().text !== ''}>
                  <p class="hint">Give it a name, or it is not saved.</p>
                </Show>
              </div>
              <TextField label={`${noun()} ${n()} value`} path={valuePath()} value={row().text} vars onInput={(text) => edit(id, { text })} />
              <button
                type="button"
                class="icon"
                aria-label={`Remove ${row().key || `${noun().toLowerCase()} ${n()}`}`}
                onClick={() => emit(rows().filter((r) => r.id !== id))}>
                ✕
              </button>
            </div>
          );
        }}
      </For>
      <button type="button" onClick={add}>
        {props.addLabel ?? 'Add field'}
      </button>
      <Show when={error()}>
        <p class="error field-error">{error()}</p>
      </Show>
    </fieldset>
  );
}

/** Inserts `{{…}}` references: only the trigger payload and steps that run before this field's action. */
function VariablePicker(props: { path: Path; label: string; onPick: (value: string) => void }) {
  const { variablesFor } = useEditor();
  const [open, setOpen] = createSignal(false);
  let box: HTMLDivElement | undefined;
  const vars = () => (open() ? variablesFor(props.path) : []);
  const groups = () => [...new Set(vars().map((v) => v.group))];
  const onDoc = (e: MouseEvent) => {
    if (box && !box.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('mousedown', onDoc);
  onCleanup(() => document.removeEventListener('mousedown', onDoc));
  const pick = (v: string) => {
    setOpen(false);
    props.onPick(v);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the wrapper only catches Escape bubbling up from the button and the menu inside it
    <div
      class="picker"
      ref={box}
      onKeyDown={(e) => {
        // Escape closes the menu only, not the step panel around it.
        if (e.key === 'Escape' && open()) {
          e.preventDefault();
          setOpen(false);
        }
      }}>
      <button type="button" class="link" aria-expanded={open()} aria-label={`Insert variable into ${props.label}`} onClick={() => setOpen(!open())}>
        {'{ }'} Insert variable
      </button>
      <Show when={open()}>
        <div class="picker-menu" role="menu">
          <For each={groups()}>
            {(g) => (
              // biome-ignore lint/a11y/useSemanticElements: a group of menu items inside role="menu"; a <fieldset> is for form controls
              <div role="group" aria-label={g}>
                <p class="picker-group">{g}</p>
                <For each={vars().filter((v) => v.group === g)}>
                  {(v) => (
                    <button type="button" role="menuitem" class="picker-item" onClick={() => pick(v.value)}>
                      <code>{v.value}</code> <span class="muted">{v.label}</span>
                    </button>
                  )}
                </For>
              </div>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
