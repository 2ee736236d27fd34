import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { A, useParams, useSearchParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import type { InboundEvent } from '../api/schemas';
import { confirmAction } from '../components/confirm';
import { JsonView } from '../components/JsonView';
import { Empty, StatusBadge, fmtTime } from '../components/ui';

export default function Events() {
  const params = useParams<{ ws: string }>();
  const [search, setSearch] = useSearchParams<{ source?: string; status?: string }>();
  const [items, setItems] = createSignal<InboundEvent[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string>();
  const [loaded, setLoaded] = createSignal(false);
  const [rowMsg, setRowMsg] = createSignal<{ id: string; ok: boolean; text: string }>();

  const load = async (more: boolean) => {
    setError(undefined);
    try {
      const page = await api.events.list(params.ws, { source: search.source, status: search.status, limit: 25, cursor: more ? cursor() : undefined });
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
      () => [params.ws, search.source, search.status],
      () => void load(false),
    ),
  );

  const replay = async (ev: InboundEvent) => {
    if (
      !(await confirmAction({ title: 'Replay this event?', message: 'Workflows that match it now run again with the same payload.', confirmLabel: 'Replay' }))
    )
      return;
    try {
      await api.events.replay(params.ws, ev.id);
      setRowMsg({ id: ev.id, ok: true, text: 'Replayed: new runs appear under Workflow runs.' });
      void load(false);
    } catch (e) {
      setRowMsg({ id: ev.id, ok: false, text: `Could not replay: ${errorText(e)}` });
    }
  };

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Event log</h1>
      <p class="muted">Every inbound webhook and record change that may trigger a workflow, and what it led to.</p>
      <div class="filters row wrap">
        <div class="field">
          <label for="ev-source">Source</label>
          <select id="ev-source" value={search.source ?? ''} onChange={(e) => setSearch({ source: e.currentTarget.value || undefined })}>
            <option value="">All</option>
            <option value="webhook">Webhooks</option>
            <option value="record">Record changes</option>
            <option value="schedule">Schedules</option>
          </select>
        </div>
        <div class="field">
          <label for="ev-status">Status</label>
          <select id="ev-status" value={search.status ?? ''} onChange={(e) => setSearch({ status: e.currentTarget.value || undefined })}>
            <option value="">Any</option>
            <option value="pending">pending</option>
            <option value="dispatched">dispatched</option>
            <option value="loop_stopped">stopped (loop limit)</option>
            <option value="failed">failed</option>
          </select>
        </div>
      </div>
      <Show when={error()}>
        <p class="error" role="alert">
          Could not load events: {error()}
        </p>
      </Show>
      <Show when={loaded() && !error() && items().length === 0}>
        <Empty>
          <p>No events yet. They appear when a webhook is called or a record is created, changed or deleted (try the Records page).</p>
        </Empty>
      </Show>
      <ul class="events">
        <For each={items()}>
          {(ev) => (
            <li class="card">
              <div class="row between wrap">
                <div>
                  <StatusBadge status={ev.status} /> <strong>{ev.type}</strong>{' '}
                  <span class="muted">
                    {ev.source}
                    {ev.object ? ` · ${ev.object}` : ''}
                    {ev.recordId ? ` · ${ev.recordId.slice(0, 8)}` : ''}
                  </span>
                  <br />
                  <span class="muted small">
                    received {fmtTime(ev.receivedAt)}
                    {ev.dispatchedAt ? ` · dispatched ${fmtTime(ev.dispatchedAt)}` : ''}
                  </span>
                </div>
                <button type="button" onClick={() => replay(ev)} aria-label={`Replay event ${ev.type} received ${fmtTime(ev.receivedAt)}`}>
                  Replay
                </button>
              </div>
              <p>
                <Show when={ev.outcome} fallback={<span class="muted">Not dispatched yet.</span>}>
                  {(o) => (
                    <>
                      {o().runs.length === 0 ? 'No workflow matched.' : `Started ${o().runs.length} run(s): `}
                      <For each={o().runs}>
                        {(id) => (
                          <>
                            <A href={`/w/${params.ws}/settings/runs/${id}`}>{id.slice(0, 8)}</A>{' '}
                          </>
                        )}
                      </For>
                      {o().deduplicated ? ` ${o().deduplicated} duplicate(s) ignored.` : ''}
                      <Show when={o().error}>
                        <span class="error"> {o().error}</span>
                      </Show>
                    </>
                  )}
                </Show>
              </p>
              <Show when={rowMsg()?.id === ev.id}>
                <p class={rowMsg()!.ok ? 'ok' : 'error'} role="status">
                  {rowMsg()!.text}
                </p>
              </Show>
              <JsonView value={ev.payload ?? null} label="payload" depth={2} />
            </li>
          )}
        </For>
      </ul>
      <Show when={cursor()}>
        <button type="button" onClick={() => load(true)}>
          Load more
        </button>
      </Show>
    </section>
  );
}
