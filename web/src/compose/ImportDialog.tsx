import { createSignal, For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { ApiError, errorText } from '../api/client';
import { composeApi, type ImportReport } from '../api/compose';
import { ErrorText } from '../components/ui';
import { Dialog } from './Dialog';

/** Where the API's path into the file points, in words for the person who pasted it. */
function importErrorText(e: unknown): string {
  if (e instanceof ApiError && e.status === 400) {
    if (e.path === 'version') return 'This file was exported in a format version this app does not read.';
    if (e.path === 'format') return 'This is not a workflow export file (it has no "format": "conduit.workflow").';
  }
  return errorText(e);
}

/** Import: a file chosen or JSON pasted; the API makes an inactive draft and reports what is missing here. */
export function ImportDialog(props: { ws: string; onClose: () => void; onImported: () => void }) {
  const [text, setText] = createSignal('');
  const [name, setName] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [done, setDone] = createSignal<{ id: string; name: string; report: ImportReport }>();
  const [busy, setBusy] = createSignal(false);

  const readFile = async (f: File | undefined) => {
    if (!f) return;
    setText(await f.text());
    setError(undefined);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    let file: unknown;
    try {
      file = JSON.parse(text());
    } catch {
      setError('Choose an export file or paste its contents: what is there now is not valid JSON.');
      document.getElementById('import-text')?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await composeApi.importFile(props.ws, file, name().trim() || undefined);
      setDone({ id: r.workflow.id, name: r.workflow.name, report: r.report });
      props.onImported();
      queueMicrotask(() => document.getElementById('import-open')?.focus());
    } catch (err) {
      setError(importErrorText(err));
    } finally {
      setBusy(false);
    }
  };
  const nothingMissing = (r: ImportReport) => r.missingSecrets.length + r.missingObjects.length + r.missingWorkflows.length === 0;

  return (
    <Dialog id="import" title="Import a workflow" onClose={props.onClose} wide>
      <Show
        when={done()}
        fallback={
          <form onSubmit={submit}>
            <div class="field">
              <label for="import-file">Export file</label>
              <input id="import-file" type="file" accept=".json,application/json" onChange={(e) => readFile(e.currentTarget.files?.[0])} />
            </div>
            <div class="field">
              <label for="import-text">…or paste its contents</label>
              <textarea id="import-text" rows="8" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="import-name">Name (optional)</label>
              <input id="import-name" value={name()} onInput={(e) => setName(e.currentTarget.value)} aria-describedby="import-name-hint" />
              <p class="hint" id="import-name-hint">
                Leave empty to keep the file’s name. The workflow is created inactive, as a draft.
              </p>
            </div>
            <ErrorText message={error()} />
            <div class="row end">
              <button type="button" onClick={props.onClose}>
                Cancel
              </button>
              <button type="submit" class="primary" disabled={busy() || !text().trim()}>
                Import
              </button>
            </div>
          </form>
        }>
        {(d) => (
          <>
            <p class="ok" role="status">
              Imported "{d().name}" as an inactive draft.
            </p>
            <Show when={!nothingMissing(d().report)} fallback={<p>Everything it refers to exists here.</p>}>
              <p>Before publishing it, set up what it refers to:</p>
              <ul>
                <For each={d().report.missingSecrets}>{(s) => <li>Secret {s}: set it under workspace secrets.</li>}</For>
                <For each={d().report.missingObjects}>
                  {(o) => (
                    <li>
                      Object "{o}": there are no {o} records yet.
                    </li>
                  )}
                </For>
                <For each={d().report.missingWorkflows}>
                  {(w) => (
                    <li>
                      Step "{w.stepLabel}" calls {w.workflowName ? `"${w.workflowName}"` : 'a workflow'}, which is not in this workspace: import or create it,
                      then choose it in the step.
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <div class="row end">
              <A id="import-open" href={`/w/${props.ws}/settings/workflows/${d().id}`}>
                Open the draft
              </A>
              <button type="button" onClick={props.onClose}>
                Close
              </button>
            </div>
          </>
        )}
      </Show>
    </Dialog>
  );
}
