import { createResource, createSignal, For, Show } from 'solid-js';
import { useParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';

/** The workspace failure alert: on by default (a digest to every admin); recipients, a signed webhook, muted workflows. */
export default function FailureAlerts() {
  const params = useParams<{ ws: string }>();
  const [settings, { mutate }] = createResource(
    () => params.ws,
    (ws) => api.failureAlerts.get(ws),
  );
  const [workflows] = createResource(
    () => params.ws,
    (ws) => api.workflows.list(ws),
  );
  const [recipients, setRecipients] = createSignal<string>();
  const [url, setUrl] = createSignal<string>();
  const [secret, setSecret] = createSignal<string | null>(null);
  const [status, setStatus] = createSignal('');
  const [error, setError] = createSignal<string>();
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const s = settings();
    if (!s) return;
    const list = (recipients() ?? (s.recipients ?? []).join(', '))
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const hook = (url() ?? s.webhookUrl ?? '').trim();
    try {
      const r = await api.failureAlerts.put(params.ws, { enabled: s.enabled, recipients: list.length ? list : null, webhookUrl: hook || null });
      mutate(r);
      setSecret(r.webhookSecret);
      setStatus('Saved.');
    } catch (err) {
      setError(errorText(err));
    }
  };
  const toggle = async (enabled: boolean) => {
    try {
      mutate(await api.failureAlerts.put(params.ws, { enabled }));
      setStatus(enabled ? 'Failure alerts are on.' : 'Failure alerts are off.');
    } catch (err) {
      setError(errorText(err));
    }
  };
  const mute = async (id: string, on: boolean) => {
    try {
      mutate(await api.failureAlerts.workflow(params.ws, id, on));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Failure alerts</h1>
      <p class="muted">When a run fails, an email goes out: at most one per workflow every 15 minutes, counting the failures since and linking to them.</p>
      <p class="status-line" role="status">
        {status()}
      </p>
      <Show when={error() || settings.error}>
        <p class="error" role="alert">
          {error() ?? errorText(settings.error)}
        </p>
      </Show>
      <Show when={settings()}>
        {(s) => (
          <>
            <label class="row">
              <input type="checkbox" checked={s().enabled} onChange={(e) => void toggle(e.currentTarget.checked)} /> Send failure alerts
            </label>
            <form class="card" onSubmit={save}>
              <div class="field">
                <label for="alert-recipients">Recipients</label>
                <input
                  id="alert-recipients"
                  value={recipients() ?? (s().recipients ?? []).join(', ')}
                  placeholder="every admin of the workspace"
                  onInput={(e) => setRecipients(e.currentTarget.value)}
                />
                <p class="hint">Email addresses separated by commas; empty means every admin.</p>
              </div>
              <div class="field">
                <label for="alert-webhook">Webhook URL (optional)</label>
                <input
                  id="alert-webhook"
                  type="url"
                  value={url() ?? s().webhookUrl ?? ''}
                  placeholder="https://hooks.example.com/alerts"
                  onInput={(e) => setUrl(e.currentTarget.value)}
                />
                <p class="hint">
                  Each digest is also posted here as JSON, signed the Standard Webhooks way{s().webhookSigned ? ' (a signing secret exists)' : ''}.
                </p>
              </div>
              <Show when={secret()}>
                <p role="status">
                  Signing secret (shown once, copy it now): <code>{secret()}</code>
                </p>
              </Show>
              <button type="submit" class="primary">
                Save
              </button>
            </form>
            <h2>Workflows</h2>
            <Show when={workflows() && (workflows()?.items.length ?? 0) === 0}>
              <p class="muted">No workflows yet. Each one you create is listed here, its failures in the alert until you untick it.</p>
            </Show>
            <ul class="events">
              <For each={workflows()?.items}>
                {(w) => (
                  <li>
                    <label class="row">
                      <input type="checkbox" checked={!s().mutedWorkflowIds.includes(w.id)} onChange={(e) => void mute(w.id, e.currentTarget.checked)} /> Alert
                      when {w.name} fails
                    </label>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </section>
  );
}
