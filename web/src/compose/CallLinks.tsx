import { createResource, For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { composeApi } from '../api/compose';
import { StatusBadge } from '../components/ui';

/** On a run's page: the run that called it and the runs it called (call_workflow), each a link. */
export function CallLinks(props: { ws: string; executionId: string; status: string; steps: number }) {
  // Fetched again as the run moves on, so a child started meanwhile shows up.
  const [links] = createResource(
    () => [props.ws, props.executionId, props.status, props.steps] as const,
    ([ws, id]) => composeApi.calls(ws, id).catch(() => null),
  );
  const href = (id: string) => `/w/${props.ws}/settings/runs/${id}`;
  return (
    <Show when={links() && (links()!.calledBy || links()!.called.length > 0)}>
      <section class="card" aria-labelledby="calls-title">
        <h2 id="calls-title">Linked runs</h2>
        <Show when={links()!.calledBy}>
          {(p) => (
            <p>
              Called by <A href={href(p().id)}>{p().workflowName ?? 'a deleted workflow'}</A> <StatusBadge status={p().status} />
            </p>
          )}
        </Show>
        <Show when={links()!.called.length > 0}>
          <p>Called:</p>
          <ul>
            <For each={links()!.called}>
              {(c) => (
                <li>
                  <A href={href(c.id)}>{c.workflowName ?? 'a deleted workflow'}</A> <StatusBadge status={c.status} />
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
    </Show>
  );
}
