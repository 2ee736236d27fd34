import { createResource, Match, Switch } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { EditorView } from './EditorView';

/** Route: loads the workflow, then hands it to the editor view. */
export default function Editor() {
  const params = useParams<{ ws: string; id: string }>();
  const [wf] = createResource(
    () => [params.ws, params.id] as const,
    ([ws, id]) => api.workflows.get(ws, id),
  );
  return (
    <Switch fallback={<p>Loading workflow…</p>}>
      <Match when={wf.error}>
        <p class="error" role="alert">
          Could not load this workflow: {errorText(wf.error)}. <A href={`/w/${params.ws}/settings/workflows`}>Back to workflows</A>
        </p>
      </Match>
      <Match when={wf()}>{(w) => <EditorView workspaceId={params.ws} initial={w()} />}</Match>
    </Switch>
  );
}
