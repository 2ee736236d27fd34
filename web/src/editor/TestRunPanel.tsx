import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { sampleTriggerPayload } from '@conduit/core/definition';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import type { Execution, Step } from '../api/schemas';
import { StatusBadge } from '../components/ui';
import { useEditor } from './context';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const POLL_MS = 700;

/** Runs the saved draft against a sample payload and shows each step's result on its card. */
export function TestRunPanel(props: { onSteps: (m: Map<string, Step>) => void; onPayload?: (p: unknown) => void; save: () => Promise<boolean> }) {
  const { workspaceId, workflow, store } = useEditor();
  const [payloadText, setPayloadText] = createSignal('');
  const [payloadError, setPayloadError] = createSignal<string>();
  const [run, setRun] = createSignal<Execution>();
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [recordId, setRecordId] = createSignal('');
  const object = () => ('object' in store.draft.trigger ? store.draft.trigger.object : undefined);
  const [records] = createResource(object, (o) =>
    api.records
      .list(workspaceId, o, { limit: 50 })
      .then((p) => p.items)
      .catch(() => []),
  );
  let poll: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(poll));

  const fill = () => {
    const rec = records()?.find((r) => r.id === recordId());
    const sample = sampleTriggerPayload(store.draft.trigger, rec);
    setPayloadText(JSON.stringify(sample, null, 2));
    // Field previews resolve against the same payload the test run will send.
    props.onPayload?.(sample);
    setPayloadError(undefined);
  };
  const show = (e: Execution) => {
    setRun(e);
    props.onSteps(new Map((e.steps ?? []).map((s) => [s.actionId, s])));
  };
  const follow = (id: string) => {
    poll = setTimeout(async () => {
      try {
        const e = await api.executions.get(workspaceId, id);
        show(e);
        if (!TERMINAL.has(e.status)) follow(id);
        else setBusy(false);
      } catch (err) {
        setError(errorText(err));
        setBusy(false);
      }
    }, POLL_MS);
  };

  const start = async () => {
    setError(undefined);
    if (!payloadText().trim()) fill();
    let payload: unknown;
    try {
      payload = JSON.parse(payloadText());
      setPayloadError(undefined);
      props.onPayload?.(payload);
    } catch (e) {
      setPayloadError(`The sample payload is not valid JSON: ${errorText(e)}`);
      return;
    }
    if (!(await props.save())) {
      setError('The draft has problems; fix them before a test run (they are listed above).');
      return;
    }
    const wf = workflow();
    if (!wf) return;
    setBusy(true);
    clearTimeout(poll);
    props.onSteps(new Map());
    try {
      const e = await api.workflows.test(workspaceId, wf.id, payload);
      show(e);
      if (TERMINAL.has(e.status)) setBusy(false);
      else follow(e.id);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="test-title">
      <h3 id="test-title">Test run</h3>
      <p class="muted">Runs the current draft once, without publishing. Results appear on each step.</p>
      <Show when={object()}>
        <div class="field">
          <label for="test-record">Use a {object()} record</label>
          <div class="row">
            <select id="test-record" value={recordId()} onChange={(e) => setRecordId(e.currentTarget.value)}>
              <option value="">Sample data</option>
              <For each={records()}>{(r) => <option value={r.id}>{String(r.data.name ?? r.id)}</option>}</For>
            </select>
            <button type="button" onClick={fill}>
              Fill payload
            </button>
          </div>
        </div>
      </Show>
      <div class="field">
        <label for="test-payload">Trigger payload (JSON)</label>
        <textarea
          id="test-payload"
          class="mono"
          rows={8}
          value={payloadText()}
          placeholder="Press Fill payload for a sample"
          aria-invalid={payloadError() ? 'true' : undefined}
          onInput={(e) => {
            setPayloadText(e.currentTarget.value);
            // Previews follow the payload as it is typed, once it is JSON.
            try {
              props.onPayload?.(JSON.parse(e.currentTarget.value));
            } catch {
              /* not JSON yet: previews keep the last good payload */
            }
          }}
        />
        <Show when={payloadError()}>
          <p class="error field-error">{payloadError()}</p>
        </Show>
      </div>
      <button type="button" class="primary" onClick={start} disabled={busy()}>
        {busy() ? 'Running…' : 'Run test'}
      </button>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={run()}>
        {(r) => (
          <div class="test-summary" role="status" aria-live="polite" data-testid="test-status">
            <p>
              Test run <StatusBadge status={r().status} /> <A href={`/w/${workspaceId}/settings/runs/${r().id}`}>open in runs</A>
            </p>
            <Show when={r().error}>
              <p class="error">{r().error}</p>
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}
