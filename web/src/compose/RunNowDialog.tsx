import { createSignal, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { errorText } from '../api/client';
import { composeApi } from '../api/compose';
import { ErrorText } from '../components/ui';
import { Dialog } from './Dialog';

/** "Run now": starts the published version of a manual workflow, with an optional JSON payload. */
export function RunNowDialog(props: { ws: string; workflow: { id: string; name: string }; onClose: () => void }) {
  const [payload, setPayload] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [started, setStarted] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const run = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    let parsed: unknown;
    if (payload().trim()) {
      try {
        parsed = JSON.parse(payload());
      } catch {
        setError('The payload is not valid JSON. Leave it empty, or write an object such as {"note": "hello"}.');
        document.getElementById('run-payload')?.focus();
        return;
      }
    }
    setBusy(true);
    try {
      const ex = await composeApi.run(props.ws, props.workflow.id, parsed === undefined ? {} : { payload: parsed });
      setStarted(ex.id);
      queueMicrotask(() => document.getElementById('run-started-link')?.focus());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog id="run-now" title={`Run "${props.workflow.name}" now`} onClose={props.onClose}>
      <Show
        when={started()}
        fallback={
          <form onSubmit={run}>
            <div class="field">
              <label for="run-payload">Payload (optional JSON)</label>
              <textarea id="run-payload" rows="4" value={payload()} onInput={(e) => setPayload(e.currentTarget.value)} aria-describedby="run-payload-hint" />
              <p class="hint" id="run-payload-hint">
                Its steps see it as {'{{trigger.payload}}'}. The published version runs, not the draft.
              </p>
            </div>
            <ErrorText message={error()} />
            <div class="row end">
              <button type="button" onClick={props.onClose}>
                Cancel
              </button>
              <button type="submit" class="primary" disabled={busy()}>
                Run
              </button>
            </div>
          </form>
        }>
        {(id) => (
          <>
            <p class="ok" role="status">
              The run started.
            </p>
            <div class="row end">
              <A id="run-started-link" href={`/w/${props.ws}/settings/runs/${id()}`}>
                Open the run
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
