import { createSignal, For, Show } from 'solid-js';
import { A, useParams, useSearchParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { keys, LIVE_MS, liveInfiniteQuery, liveQuery, refreshNow } from '../api/live';
import type { InboundEvent } from '../api/schemas';
import { confirmAction } from '../components/confirm';
import { JsonView } from '../components/JsonView';
import { Empty, StatusBadge, fmtTime } from '../components/ui';
import { RefusedCalls } from './RefusedCalls';

const PAGE = 25;
const TYPE_WORDS: Record<string, string> = {
  'webhook.received': 'Webhook received',
  'record.created': 'Record created',
  'record.updated': 'Record updated',
  'record.deleted': 'Record deleted',
  'schedule.fired': 'Schedule fired',
  'run.failed': 'Run failed',
};
const typeText = (t: string) => TYPE_WORDS[t] ?? t;

/** The payload, fetched when the person opens it (the list leaves payloads out: they can be large). */
function EventPayload(props: { ws: string; id: string }) {
  const q = liveQuery(() => ({ queryKey: keys.event(props.ws, props.id), queryFn: () => api.events.get(props.ws, props.id), staleTime: Infinity }));
  return (
    <div class="event-payload">
      <Show when={q.error}>
        <p class="error">Could not load the payload: {errorText(q.error)}</p>
      </Show>
      <Show when={q.data} fallback={<Show when={!q.error}>Loading the payload…</Show>}>
        {(e) => <JsonView value={e().payload ?? null} label="Payload" depth={0} />}
      </Show>
    </div>
  );
}

export default function Events() {
  const params = useParams<{ ws: string }>();
  const [search, setSearch] = useSearchParams<{ source?: string; status?: string; workflowId?: string }>();
  const [rowMsg, setRowMsg] = createSignal<{ id: string; ok: boolean; text: string }>();
  const [open, setOpen] = createSignal<ReadonlySet<string>>(new Set());
  const toggle = (id: string) => {
    const next = new Set(open());
    if (!next.delete(id)) next.add(id);
    setOpen(next);
  };
  const filters = () => ({ source: search.source, status: search.status, workflowId: search.workflowId });

  // Every loaded page is fetched again each tick, so new events appear on top and outcomes update in place.
  const list = liveInfiniteQuery(() => ({
    queryKey: keys.events(params.ws, filters()),
    queryFn: ({ pageParam }: { pageParam: string | null }) => api.events.list(params.ws, { ...filters(), limit: PAGE, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last: { nextCursor: string | null }) => last.nextCursor,
    refetchInterval: LIVE_MS.events,
  }));
  const items = () => list.data?.pages.flatMap((p) => p.items) ?? [];

  const replay = async (ev: InboundEvent) => {
    if (
      !(await confirmAction({ title: 'Replay this event?', message: 'Workflows that match it now run again with the same payload.', confirmLabel: 'Replay' }))
    )
      return;
    try {
      await api.events.replay(params.ws, ev.id);
      setRowMsg({ id: ev.id, ok: true, text: 'Replayed: new runs appear under Workflow runs.' });
      void refreshNow(['events', params.ws]);
    } catch (e) {
      setRowMsg({ id: ev.id, ok: false, text: `Could not replay: ${errorText(e)}` });
    }
  };

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Event log</h1>
      <p class="muted">Every inbound webhook and record change that may trigger a workflow, and what it led to. The list updates by itself.</p>
      <RefusedCalls ws={params.ws} workflowId={search.workflowId} />
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
        <Show when={search.workflowId}>
          <button type="button" class="link" onClick={() => setSearch({ workflowId: undefined })}>
            Show every workflow's events
          </button>
        </Show>
      </div>
      <Show when={list.error}>
        <p class="error" role="alert">
          Could not load events: {errorText(list.error)}
        </p>
      </Show>
      <Show when={list.isSuccess && items().length === 0}>
        <Empty>
          <p>No events yet. They appear when a webhook is called or a record is created, changed or deleted (try the Records page).</p>
        </Empty>
      </Show>
      <ul class="events" aria-label="Events, newest first">
        <For each={items()}>
          {(ev) => (
            <li class="card">
              <div class="row between wrap">
                <div>
                  <StatusBadge status={ev.status} /> <strong>{typeText(ev.type)}</strong>{' '}
                  <span class="muted">
                    {ev.object ? ev.object : ''}
                    {ev.recordId ? ` · record ${ev.recordId.slice(0, 8)}` : ''}
                  </span>
                  <Show when={ev.workflowId}>
                    <br />
                    <span class="small">
                      {ev.source === 'webhook' ? 'Hook of ' : 'Workflow '}
                      <Show when={ev.workflowName} fallback={<span class="muted">a deleted workflow</span>}>
                        <A href={`/w/${params.ws}/settings/workflows/${ev.workflowId}`}>{ev.workflowName}</A>
                      </Show>
                      <Show when={ev.source === 'webhook' && ev.hookId}>
                        <span class="muted"> · /hooks/{ev.hookId}</span>
                      </Show>
                    </span>
                  </Show>
                  <br />
                  <span class="muted small">
                    received {fmtTime(ev.receivedAt)}
                    {ev.dispatchedAt ? ` · dispatched ${fmtTime(ev.dispatchedAt)}` : ''}
                  </span>
                </div>
                <div class="row">
                  <button type="button" aria-expanded={open().has(ev.id)} aria-controls={`payload-${ev.id}`} onClick={() => toggle(ev.id)}>
                    {open().has(ev.id) ? 'Hide payload' : 'Show payload'}
                  </button>
                  <button type="button" onClick={() => replay(ev)} aria-label={`Replay event ${typeText(ev.type)} received ${fmtTime(ev.receivedAt)}`}>
                    Replay
                  </button>
                </div>
              </div>
              <p>
                <Show when={ev.outcome} fallback={<span class="muted">Not dispatched yet.</span>}>
                  {(o) => (
                    <>
                      {o().runs.length === 0 ? 'No workflow matched.' : o().runs.length === 1 ? 'Started a run: ' : `Started ${o().runs.length} runs: `}
                      {/* Links in words, not run ids: "open it", or "run 1", "run 2", … */}
                      <For each={o().runs}>
                        {(id, i) => (
                          <>
                            <A href={`/w/${params.ws}/settings/runs/${id}`}>{o().runs.length === 1 ? 'open it' : `run ${i() + 1}`}</A>{' '}
                          </>
                        )}
                      </For>
                      {o().deduplicated ? ` ${o().deduplicated === 1 ? 'A duplicate was' : `${o().deduplicated} duplicates were`} ignored.` : ''}
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
              <div id={`payload-${ev.id}`}>
                <Show when={open().has(ev.id)}>
                  <EventPayload ws={params.ws} id={ev.id} />
                </Show>
              </div>
            </li>
          )}
        </For>
      </ul>
      <Show when={list.hasNextPage}>
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      </Show>
    </section>
  );
}
