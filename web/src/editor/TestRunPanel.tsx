import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { sampleTriggerPayload } from '@conduit/core/definition';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import type { Execution, Step } from '../api/schemas';
import { StatusBadge } from '../components/ui';
import { confirmAction } from '../components/confirm';
import { liveEffects } from './describe';
import { useEditor } from './context';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const POLL_MS = 700;

type Mode = 'dry' | 'live';

/**
 * Runs the saved draft against a sample payload and shows each step's result on its card. Dry by
 * default: emails, webhooks, record writes and approvals are shown as "would have", not done; a live
 * run asks first and lists what will really happen.
 */
export function TestRunPanel(props: { onSteps: (m: Map<string, Step>) => void; onPayload?: (p: unknown) => void; save: () => Promise<boolean> }) {
  const { workspaceId, workflow, store } = useEditor();
  const [payloadText, setPayloadText] = createSignal('');
  const [payloadError, setPayloadError] = createSignal<string>();
  const [run, setRun] = createSignal<Execution>();
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [recordId, setRecordId] = createSignal('');
  const [mode, setMode] = createSignal<Mode>('dry');
  const object = () => ('object' in store.draft.trigger ? store.draft.trigger.object : undefined);
  const [records] = createResource(object, (o) =>
    api.records
      .list(workspaceId, o, { limit: 50 })
      .then((p) => p.items)
      .catch(() => []),
  );
  let poll: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(poll));
  // A record trigger starts from a real record of its object when there is one (a made-up id makes
  // every update step fail); once only, so choosing "Sample data" afterwards sticks.
  let defaulted = false;
  createEffect(() => {
    const first = records()?.[0];
    if (defaulted || !first) return;
    defaulted = true;
    if (recordId() || payloadText().trim()) return;
    setRecordId(first.id);
    fill();
  });

  // The payload as Fill last wrote it: while the person has not edited it, it follows the trigger.
  let filled = '';
  const fill = () => {
    const rec = records()?.find((r) => r.id === recordId());
    const sample = sampleTriggerPayload(store.draft.trigger, rec);
    filled = JSON.stringify(sample, null, 2);
    setPayloadText(filled);
    // Field previews resolve against the same payload the test run will send.
    props.onPayload?.(sample);
    setPayloadError(undefined);
  };
  // Another trigger type or object: a filled payload of the old one would preview and test wrong
  // (a webhook step reading a deal's record), so it is filled anew; a typed one is left alone.
  createEffect(
    on(
      () => `${store.draft.trigger.type}:${object() ?? ''}`,
      () => {
        if (filled === '' || payloadText() !== filled) return;
        setRecordId('');
        fill();
      },
      { defer: true },
    ),
  );
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
    if (mode() === 'live') {
      const effects = liveEffects(store.draft.actions, payload);
      const ok = await confirmAction({
        title: 'Run live: this really happens',
        message:
          effects.length > 0
            ? 'A live test run does everything the draft says, for real:'
            : 'The draft has no step that sends or writes anything; it runs as it would when published.',
        items: effects,
        confirmLabel: 'Run live',
        danger: effects.length > 0,
      });
      if (!ok) return;
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
      const e = await api.workflows.test(workspaceId, wf.id, payload, mode());
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
      <fieldset class="test-mode">
        <legend>How it runs</legend>
        <label>
          <input type="radio" name="test-mode" value="dry" checked={mode() === 'dry'} onChange={() => setMode('dry')} /> <strong>Dry run</strong>{' '}
          <span class="muted">— emails, webhooks and record changes are shown, not done; reads and scripts really run</span>
        </label>
        <label>
          <input type="radio" name="test-mode" value="live" checked={mode() === 'live'} onChange={() => setMode('live')} /> <strong>Live run</strong>{' '}
          <span class="muted">— really sends and writes (asks first)</span>
        </label>
      </fieldset>
      <Show when={object()}>
        <div class="field">
          <label for="test-record">Use a {object()} record</label>
          <div class="row">
            <select
              id="test-record"
              value={recordId()}
              onChange={(e) => {
                // Picking a record is choosing the payload: it fills at once.
                setRecordId(e.currentTarget.value);
                fill();
              }}>
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
        {busy() ? 'Running…' : mode() === 'live' ? 'Run live test' : 'Run test'}
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
              {r().dryRun ? 'Dry test run' : 'Live test run'} <StatusBadge status={r().status} />{' '}
              <A href={`/w/${workspaceId}/settings/runs/${r().id}`}>open in runs</A>
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
