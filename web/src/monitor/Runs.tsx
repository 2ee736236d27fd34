import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { A, useParams, useSearchParams } from '@solidjs/router';
import { EXECUTION_STATUSES } from '@conduit/core/definition';
import { api } from '../api/endpoints';
import { errorText, type Query } from '../api/client';
import type { Execution } from '../api/schemas';
import { Empty, StatusBadge, fmtDuration, fmtTime } from '../components/ui';
import { RunsChart, runsPerDay } from './RunsChart';

const RANGES = { '24h': 1, '7d': 7, '30d': 30 } as const;
type Range = keyof typeof RANGES;
const PAGE = 25;
const LIVE_MS = 1000;
const IDLE_MS = 5000;

export default function Runs() {
  const params = useParams<{ ws: string }>();
  const [search, setSearch] = useSearchParams<{ workflowId?: string; status?: string; range?: string; recordId?: string }>();
  const range = (): Range => (search.range && search.range in RANGES ? (search.range as Range) : '7d');
  const filters = createMemo(
    (): Query => ({
      workflowId: search.workflowId,
      status: search.status,
      recordId: search.recordId,
      from: new Date(Date.now() - RANGES[range()] * 86_400_000).toISOString(),
    }),
  );
  const [workflows] = createResource(
    () => params.ws,
    (ws) =>
      api.workflows
        .list(ws)
        .then((p) => p.items)
        .catch(() => []),
  );
  const wfName = (id: string) => workflows()?.find((w) => w.id === id)?.name;

  const [items, setItems] = createSignal<Execution[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string>();
  const [loading, setLoading] = createSignal(false);
  const inRange = (r: Execution) => Date.parse(r.createdAt) >= Date.parse(String(filters().from));

  const load = async (more: boolean) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.executions.list(params.ws, { ...filters(), limit: PAGE, cursor: more ? cursor() : undefined });
      // The range is also applied here so the list is right even if the API ignores `from`.
      const rows = page.items.filter(inRange);
      setItems(more ? [...items(), ...rows] : rows);
      setCursor(rows.length < page.items.length ? null : page.nextCursor);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  };
  createEffect(
    on(
      () => [params.ws, JSON.stringify(filters())],
      () => void load(false),
    ),
  );

  // Live: new runs and status changes appear without reload; once a second while a listed run is
  // unfinished, every five seconds otherwise.
  const live = () => items().some((r) => r.status === 'running' || r.status === 'pending' || r.status === 'queued');
  let timer: ReturnType<typeof setInterval> | undefined;
  createEffect(() => {
    clearInterval(timer);
    timer = setInterval(
      async () => {
        try {
          const page = await api.executions.list(params.ws, { ...filters(), limit: PAGE });
          const fresh = new Map(page.items.map((r) => [r.id, r]));
          const known = new Set(items().map((r) => r.id));
          setItems([...page.items.filter((r) => !known.has(r.id) && inRange(r)), ...items().map((r) => fresh.get(r.id) ?? r)]);
        } catch {
          /* the next tick retries; the error banner is for user actions */
        }
      },
      live() ? LIVE_MS : IDLE_MS,
    );
  });
  onCleanup(() => clearInterval(timer));

  const [chart] = createResource(
    () => [params.ws, JSON.stringify(filters()), range()] as const,
    async () => {
      const runs: Execution[] = [];
      let c: string | null | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await api.executions.list(params.ws, { ...filters(), limit: 200, cursor: c });
        runs.push(...page.items.filter(inRange));
        c = page.nextCursor;
        if (!c || page.items.some((r) => !inRange(r))) break;
      }
      return runsPerDay(runs, RANGES[range()]);
    },
  );

  const set = (k: 'workflowId' | 'status' | 'range' | 'recordId', v: string) => setSearch({ [k]: v || undefined });

  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Workflow runs</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: <form role="search"> is the ARIA search landmark every browser and reader knows; <search> is newer */}
      <form class="filters row wrap" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-workflow">Workflow</label>
          <select id="f-workflow" value={search.workflowId ?? ''} onChange={(e) => set('workflowId', e.currentTarget.value)}>
            <option value="">All workflows</option>
            <For each={workflows()}>{(w) => <option value={w.id}>{w.name}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" value={search.status ?? ''} onChange={(e) => set('status', e.currentTarget.value)}>
            <option value="">Any status</option>
            <For each={EXECUTION_STATUSES}>{(s) => <option value={s}>{s}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for="f-range">Time range</label>
          <select id="f-range" value={range()} onChange={(e) => set('range', e.currentTarget.value)}>
            <option value="24h">Last 24 hours</option>
            <option value="7d">Last 7 days</option>
            <option value="30d">Last 30 days</option>
          </select>
        </div>
        <div class="field">
          <label for="f-record">Record id</label>
          <input id="f-record" value={search.recordId ?? ''} placeholder="any record" onChange={(e) => set('recordId', e.currentTarget.value.trim())} />
        </div>
      </form>
      <Show when={chart()}>{(d) => <RunsChart data={d()} />}</Show>
      <Show when={chart.error}>
        <p class="error">Could not draw the chart: {errorText(chart.error)}</p>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          Could not load runs: {error()}
        </p>
      </Show>
      <Show when={!loading() && !error() && items().length === 0}>
        <Empty>
          <p>
            No runs match these filters. Runs appear here when an active workflow's trigger fires, or when you press <strong>Run test</strong> in the editor.
            Try a longer time range or clear the filters.
          </p>
        </Empty>
      </Show>
      <Show when={items().length > 0}>
        <div class="table-wrap">
          <table class="table">
            <caption class="sr-only">Runs, newest first{live() ? '; updating live' : ''}</caption>
            <thead>
              <tr>
                <th>Status</th>
                <th>Workflow</th>
                <th>Started</th>
                <th>Duration</th>
                <th>Record</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              <For each={items()}>
                {(r) => (
                  <tr>
                    <td>
                      <A href={`/w/${params.ws}/settings/runs/${r.id}`} aria-label={`Run ${r.id}: ${r.status}`}>
                        <StatusBadge status={r.status} />
                      </A>
                      {r.isTest ? <span class="muted"> test</span> : null}
                    </td>
                    <td>
                      <A href={`/w/${params.ws}/settings/runs/${r.id}`}>{r.workflowName ?? wfName(r.workflowId) ?? r.workflowId.slice(0, 8)}</A>
                    </td>
                    <td>{fmtTime(r.startedAt ?? r.createdAt)}</td>
                    <td>{fmtDuration(r.startedAt, r.completedAt)}</td>
                    <td>{r.recordId ? <code>{r.recordId.slice(0, 8)}</code> : <span class="muted">—</span>}</td>
                    <td class="clip">{r.error ?? ''}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <div class="row">
        <Show when={cursor()}>
          <button type="button" onClick={() => load(true)} disabled={loading()}>
            {loading() ? 'Loading…' : 'Load more'}
          </button>
        </Show>
        <Show when={live()}>
          <span class="muted" role="status">
            Updating live…
          </span>
        </Show>
      </div>
    </section>
  );
}
