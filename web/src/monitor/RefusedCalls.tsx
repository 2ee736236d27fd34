import { For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { HOOK_REFUSAL_WORDS, type HookRefusalReason } from '@conduit/core/definition';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { keys, LIVE_MS, liveQuery } from '../api/live';
import { fmtTime } from '../components/ui';

/** "missing or wrong signature (401)": a reason as the person reading the log says it. */
export const refusalText = (reason: HookRefusalReason) => `${HOOK_REFUSAL_WORDS[reason].text} (${HOOK_REFUSAL_WORDS[reason].status})`;
const times = (n: number) => (n === 1 ? '1 call' : `${n} calls`);

/** The refused-calls query of a workspace (or one workflow), polled while on screen. */
export function useRefusals(ws: () => string, workflowId?: () => string | undefined) {
  return liveQuery(() => ({
    queryKey: keys.refusals(ws(), workflowId?.()),
    queryFn: () => api.events.refusals(ws(), { workflowId: workflowId?.(), limit: 100 }),
    refetchInterval: LIVE_MS.refusals,
  }));
}

/** Beside a hook URL in the editor: this hook's refused calls of the last seven days, by reason. */
export function HookRefusalSummary(props: { ws: string; workflowId: string }) {
  const q = useRefusals(
    () => props.ws,
    () => props.workflowId,
  );
  return (
    <div class="hint" role="status" aria-live="polite" aria-label="Refused calls to this hook">
      <Show when={q.data} fallback={<Show when={q.error}>Could not load refused calls: {errorText(q.error)}</Show>}>
        {(d) => (
          <Show when={d().totals.length > 0} fallback={<span>No refused calls in the last 7 days.</span>}>
            <strong>Refused calls in the last 7 days:</strong>{' '}
            <For each={d().totals}>
              {(t, i) => (
                <span class="refusal">
                  {i() > 0 ? '; ' : ''}
                  {times(t.count)} {refusalText(t.reason)}, last {fmtTime(t.lastAt)}
                </span>
              )}
            </For>
            {'. '}
            <A href={`/w/${props.ws}/settings/events?workflowId=${props.workflowId}`}>See the event log</A>
          </Show>
        )}
      </Show>
    </div>
  );
}

/** The event log's section: every hook's refused calls of the last seven days, and each minute's. */
export function RefusedCalls(props: { ws: string; workflowId?: string | undefined }) {
  const q = useRefusals(
    () => props.ws,
    () => props.workflowId,
  );
  return (
    <section class="card" aria-labelledby="refused-title">
      <h2 id="refused-title">Refused calls</h2>
      <p class="muted small">
        Webhook calls the ingress turned away in the last 7 days, counted per hook and minute (their bodies are not kept). A caller's failing integration shows
        up here.
      </p>
      <Show when={q.error}>
        <p class="error" role="alert">
          Could not load refused calls: {errorText(q.error)}
        </p>
      </Show>
      <Show when={q.data}>
        {(d) => (
          <Show when={d().totals.length > 0} fallback={<p>No refused calls.</p>}>
            <ul class="refusals">
              <For each={d().totals}>
                {(t) => (
                  <li>
                    <strong>{times(t.count)}</strong> {refusalText(t.reason)} ·{' '}
                    <A href={`/w/${props.ws}/settings/workflows/${t.workflowId}`}>{t.workflowName}</A>{' '}
                    <span class="muted small">· last {fmtTime(t.lastAt)}</span>
                  </li>
                )}
              </For>
            </ul>
            <details>
              <summary>By minute</summary>
              <ul class="refusals small">
                <For each={d().minutes}>
                  {(m) => (
                    <li>
                      {new Date(m.minute).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })} · {m.workflowName} · {times(m.count)}{' '}
                      {refusalText(m.reason)}
                    </li>
                  )}
                </For>
              </ul>
            </details>
          </Show>
        )}
      </Show>
    </section>
  );
}
