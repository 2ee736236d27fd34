import { createResource, createSignal, Show } from 'solid-js';
import { useParams } from '@solidjs/router';
import { RUN_RETENTION_DAYS, RunRetentionDaysSchema } from '@conduit/core/api';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';

/** How long finished runs, their steps and events are kept (admins): one number of days. */
export default function Retention() {
  const params = useParams<{ ws: string }>();
  const [settings, { mutate }] = createResource(
    () => params.ws,
    (ws) => api.retention.get(ws),
  );
  const [days, setDays] = createSignal<string>();
  const [status, setStatus] = createSignal('');
  const [error, setError] = createSignal<string>();
  const save = async (e: Event) => {
    e.preventDefault();
    setStatus('');
    setError(undefined);
    const text = (days() ?? String(settings()?.days ?? '')).trim();
    // The same rule the API applies, checked here first so the message names the field plainly.
    const parsed = RunRetentionDaysSchema.safeParse(/^\d+$/.test(text) ? Number(text) : Number.NaN);
    if (!parsed.success) {
      setError(/^\d+$/.test(text) ? (parsed.error.issues[0]?.message ?? 'not a valid number of days') : 'enter a whole number of days');
      return;
    }
    try {
      const r = await api.retention.put(params.ws, parsed.data);
      mutate(r);
      setDays(undefined);
      setStatus(`Saved. Finished runs are kept for ${r.days} ${r.days === 1 ? 'day' : 'days'}.`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="retention-title">
      <h1 id="retention-title">Data retention</h1>
      <p class="muted">
        Finished runs (completed, failed or cancelled), with their steps and the events that started them, are deleted once they have been over for this many
        days. Runs still in progress and the events they need are never deleted. The audit log is kept.
      </p>
      <p class="status-line" role="status">
        {status()}
      </p>
      <Show when={error() || settings.error}>
        <p class="error" role="alert" id="retention-error">
          {error() ?? errorText(settings.error)}
        </p>
      </Show>
      <Show when={settings()}>
        {(s) => (
          <form class="card" onSubmit={save}>
            <div class="field narrow">
              <label for="retention-days">Keep finished runs for (days)</label>
              <input
                id="retention-days"
                inputMode="numeric"
                autocomplete="off"
                value={days() ?? String(s().days)}
                aria-describedby={error() ? 'retention-hint retention-error' : 'retention-hint'}
                aria-invalid={error() ? 'true' : undefined}
                onInput={(e) => setDays(e.currentTarget.value)}
              />
              <p class="hint" id="retention-hint">
                From {RUN_RETENTION_DAYS.min} to {RUN_RETENTION_DAYS.max} days; {RUN_RETENTION_DAYS.default} unless changed. Older runs are deleted within the
                hour.
              </p>
            </div>
            <button type="submit" class="primary">
              Save
            </button>
          </form>
        )}
      </Show>
    </section>
  );
}
