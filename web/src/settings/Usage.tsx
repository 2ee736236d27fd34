import { createResource, For, onCleanup, Show, type JSX } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import type { WorkspaceUsageDto } from '@conduit/core/api';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';

const n = (x: number) => x.toLocaleString();
const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

/** One limit: what is used of it, as a bar when there is a limit, in words either way. */
function Gauge(props: { id: string; title: string; used: number; limit: number | null; unit: string; children?: JSX.Element }) {
  const share = () => (props.limit ? Math.min(100, Math.round((props.used / props.limit) * 100)) : 0);
  return (
    <section class="card usage" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <Show when={props.limit !== null} fallback={<p data-testid={`${props.id}-words`}>{`${n(props.used)} ${props.unit}; no limit is set.`}</p>}>
        <p id={`${props.id}-words`} data-testid={`${props.id}-words`}>
          {`${n(props.used)} of ${n(props.limit ?? 0)} ${props.unit} (${share()} %)`}
        </p>
        <meter
          class={share() >= 100 ? 'full' : share() >= 80 ? 'high' : undefined}
          min={0}
          max={props.limit ?? 0}
          low={(props.limit ?? 0) * 0.8}
          high={(props.limit ?? 0) * 0.99}
          optimum={0}
          value={Math.min(props.used, props.limit ?? 0)}
          aria-labelledby={`${props.id}-title`}
          aria-describedby={`${props.id}-words`}
        />
      </Show>
      {props.children}
    </section>
  );
}

/** Settings → Usage: the workspace's limits and what it uses of them, refreshed every few seconds. */
export default function Usage() {
  const params = useParams<{ ws: string }>();
  const [usage, { refetch }] = createResource(
    () => params.ws,
    (ws) => api.usage(ws),
  );
  const timer = setInterval(() => void refetch(), 5_000);
  onCleanup(() => clearInterval(timer));
  const notes = (u: WorkspaceUsageDto) => [
    u.limits.monthlyRunQuota !== null && u.runs >= u.limits.monthlyRunQuota
      ? `The monthly quota is used up: new runs are refused until ${day(u.quotaResetsAt)}.`
      : u.limits.monthlyRunQuota !== null && u.runs >= u.limits.monthlyRunQuota * 0.8
        ? 'Over 80 % of the monthly quota is used; admins were mailed.'
        : null,
    u.queued > 0 ? `${n(u.queued)} ${u.queued === 1 ? 'run waits' : 'runs wait'} for a free slot.` : null,
  ];
  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage and limits</h1>
      <p class="muted">
        What this workspace uses of the limits its Conduit instance sets. The operator of the instance sets the limits; ask them to raise one you reach.
      </p>
      <Show when={usage.error}>
        <p class="error" role="alert">
          {errorText(usage.error)}
        </p>
      </Show>
      <Show when={usage.latest}>
        {(u) => (
          <>
            <For each={notes(u()).filter((t): t is string => t !== null)}>
              {(text) => (
                <p class="dry-note" data-testid="usage-note">
                  {text}
                </p>
              )}
            </For>
            <Gauge id="usage-runs" title="Runs this month" used={u().runs} limit={u().limits.monthlyRunQuota} unit="runs">
              <p class="hint">
                Counted from the 1st of the month (UTC); the count starts again on {day(u().quotaResetsAt)}. Admins get an email at 80 %; at 100 % new runs are
                refused. Test runs of a draft are not counted.
              </p>
            </Gauge>
            <Gauge id="usage-running" title="Runs at once" used={u().running} limit={u().limits.maxConcurrentRuns} unit="running">
              <p class="hint">
                <Show when={u().queued > 0} fallback="None queued. ">
                  <A href={`/w/${params.ws}/settings/runs?status=queued`}>{`${n(u().queued)} queued`}</A>.{' '}
                </Show>
                Runs started by events beyond the limit wait their turn and start as soon as a slot frees; runs a person starts (Run now, retries) start at
                once.
              </p>
            </Gauge>
            <section class="card usage" aria-labelledby="usage-events-title">
              <h2 id="usage-events-title">Webhook events per second</h2>
              <p data-testid="usage-events-words">
                {u().limits.eventsPerSecond === null
                  ? 'No limit is set.'
                  : `Up to ${n(u().limits.eventsPerSecond ?? 0)} a second, with bursts of up to ${n((u().limits.eventsPerSecond ?? 0) * 2)}.`}{' '}
                {u().refusedEvents24h > 0
                  ? `${n(u().refusedEvents24h)} refused in the last 24 hours (the caller was told to retry).`
                  : 'None refused in the last 24 hours.'}
              </p>
              <p class="hint">
                Calls beyond the limit are answered 429 with Retry-After and counted in the <A href={`/w/${params.ws}/settings/events`}>Event log</A>.
              </p>
            </section>
          </>
        )}
      </Show>
    </section>
  );
}
