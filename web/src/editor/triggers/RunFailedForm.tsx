import { createResource, For } from 'solid-js';
import { useParams } from '@solidjs/router';
import type { RunFailedTrigger } from '@conduit/core/definition';
import { api } from '../../api/endpoints';
import type { TriggerFormProps } from './types';

/** run_failed: failures of one chosen workflow, or of any other workflow. */
export function RunFailedForm(props: TriggerFormProps<RunFailedTrigger>) {
  const params = useParams<{ ws: string; id?: string }>();
  const [list] = createResource(
    () => params.ws,
    (ws) => api.workflows.list(ws),
  );
  // Its own failures never fire it, so it is not offered.
  const others = () => (list()?.items ?? []).filter((w) => w.id !== params.id);
  return (
    <div class="field">
      <label for="trigger-workflow">Which workflow</label>
      <select id="trigger-workflow" value={props.trigger.workflowId ?? ''} onChange={(e) => props.patch({ workflowId: e.currentTarget.value || undefined })}>
        <option value="">Any other workflow</option>
        <For each={others()}>{(w) => <option value={w.id}>{w.name}</option>}</For>
      </select>
      <p class="hint">
        The failed run's workflow, step and error are in {'{{trigger.workflow.name}}'}, {'{{trigger.step.label}}'} and {'{{trigger.error}}'}.
      </p>
    </div>
  );
}
