import { createSignal, Index, Show } from 'solid-js';
import type { Json } from '@conduit/core/definition';
import { parseLoose, showLoose } from '../app/loose';

type Row = { key: string; value: string };

/** Field name / value rows for one record; values typed as in the editor (numbers, true/false, JSON, else text). */
export function RecordForm(props: {
  title: string;
  initial: Record<string, Json>;
  suggested: string[];
  submitLabel: string;
  error?: string | undefined;
  onSubmit: (data: Record<string, Json>) => void;
  onCancel: () => void;
}) {
  const start = Object.entries(props.initial).map(([key, v]) => ({ key, value: showLoose(v) }));
  const [rows, setRows] = createSignal<Row[]>(start.length ? start : props.suggested.slice(0, 4).map((key) => ({ key, value: '' })));
  const [local, setLocal] = createSignal<string>();
  const set = (i: number, patch: Partial<Row>) => setRows(rows().map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const data: Record<string, Json> = {};
    for (const r of rows()) {
      const key = r.key.trim();
      if (!key) continue;
      if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(key)) return setLocal(`"${key}" is not a valid field name: use letters, digits and _, starting with a letter.`);
      data[key] = parseLoose(r.value);
    }
    setLocal(undefined);
    props.onSubmit(data);
  };
  return (
    <form class="card record-form" onSubmit={submit} aria-label={props.title}>
      <h2>{props.title}</h2>
      <Index each={rows()}>
        {(row, i) => (
          <div class="kv-row">
            <div class="field">
              <label for={`rf-key-${i}`}>Field {i + 1}</label>
              <input id={`rf-key-${i}`} value={row().key} list="record-field-list" onInput={(e) => set(i, { key: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for={`rf-val-${i}`}>{row().key || `Value ${i + 1}`}</label>
              <input id={`rf-val-${i}`} value={row().value} onInput={(e) => set(i, { value: e.currentTarget.value })} />
            </div>
            <button type="button" class="icon" aria-label={`Remove ${row().key || 'field'}`} onClick={() => setRows(rows().filter((_, j) => j !== i))}>
              ✕
            </button>
          </div>
        )}
      </Index>
      <datalist id="record-field-list">
        <Index each={props.suggested}>{(f) => <option value={f()} />}</Index>
      </datalist>
      <button type="button" onClick={() => setRows([...rows(), { key: '', value: '' }])}>
        Add field
      </button>
      <Show when={local() ?? props.error}>
        <p class="error" role="alert">
          {local() ?? props.error}
        </p>
      </Show>
      <div class="row end">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary">
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
