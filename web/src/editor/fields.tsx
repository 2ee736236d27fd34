import { createSignal, For, Index, Show, onCleanup } from 'solid-js';
import { formatPath, type Json } from '@conduit/core/definition';
import { useEditor } from './context';
import type { Path } from './draft';

/** DOM id for a field at a definition path (stable, unique per field). */
export const fieldId = (path: Path) => `f-${formatPath(path).replace(/[^A-Za-z0-9_-]/g, '_')}`;

export function useFieldError(path: () => Path) {
  const { problems } = useEditor();
  return () => problems().get(formatPath(path()));
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
  });
  return (
    <div class={`field ${props.class ?? ''}`}>
      <div class="field-label">
        <label for={id()}>{props.label}</label>
        <Show when={props.vars}>
          <VariablePicker path={props.path} onPick={(v) => insert(`{{${v}}}`)} />
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
  return (
    <div class="field">
      <label for={id()}>{props.label}</label>
      <select id={id()} value={props.value} aria-invalid={error() ? 'true' : undefined} onChange={(e) => props.onChange(e.currentTarget.value as T)}>
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
  return (
    <div class="field narrow">
      <label for={id()}>{props.label}</label>
      <input
        id={id()}
        type="number"
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

/** A name → value map (record data, headers, query): one row per entry, keys renamed in place. */
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
  const entries = () => Object.entries(props.value ?? {});
  const rebuild = (i: number, key: string, value: Json) => {
    const out: Record<string, Json> = {};
    entries().forEach(([k, v], j) => {
      if (j === i) out[key] = value;
      else out[k] = v;
    });
    props.onChange(out);
  };
  const remove = (i: number) => props.onChange(Object.fromEntries(entries().filter((_, j) => j !== i)));
  const add = () => {
    let n = entries().length + 1;
    while (`field${n}` in (props.value ?? {})) n++;
    props.onChange({ ...props.value, [`field${n}`]: '' });
  };
  const error = () => problems().get(formatPath(props.path));
  return (
    <fieldset class="field kv">
      <legend>{props.label}</legend>
      <Show when={entries().length === 0}>
        <p class="muted">None yet.</p>
      </Show>
      {/* Index, not For: rows keep their DOM (and focus) while a key is being renamed. */}
      <Index each={entries()}>
        {(entry, i) => (
          <div class="kv-row">
            <TextField
              label={`${props.keyLabel ?? 'Field'} ${i + 1} name`}
              path={[...props.path, `${i}:key`]}
              value={entry()[0]}
              list={props.keyList}
              onInput={(nk) => rebuild(i, nk, entry()[1])}
            />
            <TextField
              label={`${props.keyLabel ?? 'Field'} ${i + 1} value`}
              path={[...props.path, entry()[0]]}
              value={showLoose(entry()[1])}
              vars
              onInput={(text) => rebuild(i, entry()[0], props.raw ? text : parseLoose(text))}
            />
            <button type="button" class="icon" aria-label={`Remove ${entry()[0] || 'entry'}`} onClick={() => remove(i)}>
              ✕
            </button>
          </div>
        )}
      </Index>
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
function VariablePicker(props: { path: Path; onPick: (value: string) => void }) {
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
    <div class="picker" ref={box} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button type="button" class="link" aria-expanded={open()} aria-label={`Insert variable into ${formatPath(props.path)}`} onClick={() => setOpen(!open())}>
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
