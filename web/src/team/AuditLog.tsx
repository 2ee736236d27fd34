import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { useParams, useSearchParams } from '@solidjs/router';
import type { AuditEntryDto } from '@conduit/core/api';
import { errorText } from '../api/client';
import { teamApi } from '../api/team';
import { AUDIT_ACTION_WORDS } from '../app/words';
import { Empty, ErrorText, fmtTime } from '../components/ui';

const ACTIONS: { value: string; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'workflow.', label: 'Workflows' },
  { value: 'member.', label: 'Members' },
  { value: 'api_key.', label: 'API keys' },
  { value: 'execution.', label: 'Runs' },
  { value: 'event.', label: 'Events' },
  { value: 'webhook_secret.', label: 'Webhook secrets' },
  { value: 'secret.', label: 'Workspace secrets' },
  { value: 'failure_alert.', label: 'Failure alerts' },
  { value: 'login.', label: 'Sign-ins' },
];

/** A date input's day as the start (or end) of that day, local time, in ISO. */
const dayBound = (day: string | undefined, end: boolean) => (day ? new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`).toISOString() : undefined);

/** Settings → Audit log (admins): who changed what, newest first, with filters. */
export default function AuditLog() {
  const params = useParams<{ ws: string }>();
  const [search, setSearch] = useSearchParams<{ actor?: string; action?: string; target?: string; from?: string; to?: string }>();
  const [items, setItems] = createSignal<AuditEntryDto[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string>();
  const [loaded, setLoaded] = createSignal(false);
  const [actor, setActor] = createSignal(search.actor ?? '');
  const [target, setTarget] = createSignal(search.target ?? '');

  const load = async (more: boolean) => {
    setError(undefined);
    try {
      const page = await teamApi.audit(params.ws, {
        actor: search.actor,
        action: search.action,
        target: search.target,
        from: dayBound(search.from, false),
        to: dayBound(search.to, true),
        limit: 50,
        cursor: more ? cursor() : undefined,
      });
      setItems(more ? [...items(), ...page.items] : page.items);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoaded(true);
    }
  };
  createEffect(
    on(
      () => [params.ws, search.actor, search.action, search.target, search.from, search.to],
      () => void load(false),
    ),
  );

  const applyText = (e: SubmitEvent) => {
    e.preventDefault();
    setSearch({ actor: actor().trim() || undefined, target: target().trim() || undefined });
  };

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p class="muted">Every change an admin or API key made, and every sign-in. Entries cannot be changed or deleted.</p>
      <form class="filters row wrap" onSubmit={applyText} aria-label="Filter the audit log">
        <div class="field">
          <label for="audit-action">What</label>
          <select id="audit-action" value={search.action ?? ''} onChange={(e) => setSearch({ action: e.currentTarget.value || undefined })}>
            <For each={ACTIONS}>{(a) => <option value={a.value}>{a.label}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for="audit-actor">Who</label>
          <input id="audit-actor" value={actor()} placeholder="name" onInput={(e) => setActor(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="audit-target">On</label>
          <input id="audit-target" value={target()} placeholder="workflow, person, key…" onInput={(e) => setTarget(e.currentTarget.value)} />
        </div>
        <div class="field narrow">
          <label for="audit-from">From</label>
          <input id="audit-from" type="date" value={search.from ?? ''} onChange={(e) => setSearch({ from: e.currentTarget.value || undefined })} />
        </div>
        <div class="field narrow">
          <label for="audit-to">To</label>
          <input id="audit-to" type="date" value={search.to ?? ''} onChange={(e) => setSearch({ to: e.currentTarget.value || undefined })} />
        </div>
        <div class="row end">
          <button type="submit">Filter</button>
        </div>
      </form>
      <ErrorText message={error()} />
      <Show when={loaded() && items().length === 0 && !error()}>
        <Empty>Nothing recorded matches these filters.</Empty>
      </Show>
      <Show when={items().length > 0}>
        <div class="table-wrap">
          <table class="table audit">
            <caption class="sr-only">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              <For each={items()}>
                {(e) => (
                  <tr>
                    <td>
                      {fmtTime(e.at)}
                      <Show when={e.clientAddress}>
                        <div class="muted small">{e.clientAddress}</div>
                      </Show>
                    </td>
                    <td>{e.actor.name}</td>
                    <td>
                      <span title={e.action}>{AUDIT_ACTION_WORDS[e.action] ?? e.action}</span>
                      <Show when={e.target.name}>
                        {' '}
                        <strong>{e.target.name}</strong>
                      </Show>
                      <div class="small">{e.summary}</div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={cursor()}>
        <button type="button" onClick={() => void load(true)}>
          Load older entries
        </button>
      </Show>
    </section>
  );
}
