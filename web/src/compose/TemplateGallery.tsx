import { createSignal, For } from 'solid-js';
import { summarizeTrigger } from '@conduit/core/definition';
import { WORKFLOW_TEMPLATES, type WorkflowTemplate } from '@conduit/core/templates';
import { errorText } from '../api/client';
import { api } from '../api/endpoints';
import { ErrorText } from '../components/ui';
import { Dialog } from './Dialog';

/** "New from template": each card creates an inactive draft from the template and opens it. */
export function TemplateGallery(props: { ws: string; onClose: () => void; onCreated: (id: string) => void }) {
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal<string>();
  const use = async (t: WorkflowTemplate) => {
    setError(undefined);
    setBusy(t.id);
    try {
      const wf = await api.workflows.create(props.ws, t.definition);
      props.onCreated(wf.id);
    } catch (e) {
      setError(`Could not create "${t.name}": ${errorText(e)}`);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Dialog id="templates" title="New from template" onClose={props.onClose} wide>
      <p class="muted">Each template becomes an inactive draft you can change before publishing.</p>
      <ErrorText message={error()} />
      <ul class="template-grid">
        <For each={WORKFLOW_TEMPLATES}>
          {(t) => (
            <li class="template card">
              <h3 id={`tpl-${t.id}`}>{t.name}</h3>
              <p class="muted">
                {t.category} · {summarizeTrigger(t.definition.trigger)}
              </p>
              <p>{t.description}</p>
              <button type="button" class="primary" aria-describedby={`tpl-${t.id}`} disabled={busy() !== undefined} onClick={() => use(t)}>
                Use template
              </button>
            </li>
          )}
        </For>
      </ul>
      <div class="row end">
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
