import { createResource, For, Show } from 'solid-js';
import type { CallWorkflowAction, Json } from '@conduit/core/definition';
import { composeApi } from '../../api/compose';
import { CheckField, fieldId, KeyValueField, useFieldError } from '../fields';
import { useEditor } from '../context';
import type { ActionFormProps } from './types';

/** Which workflow to call (the active ones that start manually), its input, and whether to wait. */
export function CallWorkflowForm(props: ActionFormProps<CallWorkflowAction>) {
  const { workspaceId, workflow } = useEditor();
  const [targets] = createResource(async () => (await composeApi.manualWorkflows(workspaceId)).items.filter((w) => w.id !== workflow()?.id));
  const path = () => [...props.path, 'workflowId'];
  const error = useFieldError(path);
  const known = () => (targets() ?? []).some((t) => t.id === props.action.workflowId);
  return (
    <>
      <div class="field">
        <label for={fieldId(path())}>Workflow to call</label>
        <select
          id={fieldId(path())}
          value={props.action.workflowId ?? ''}
          aria-invalid={error() ? 'true' : undefined}
          aria-describedby={`${fieldId(path())}-hint`}
          onChange={(e) => props.patch({ workflowId: e.currentTarget.value })}>
          <option value="">Choose a workflow…</option>
          <Show when={props.action.workflowId && !known()}>
            <option value={props.action.workflowId}>(not an active manual workflow)</option>
          </Show>
          <For each={targets() ?? []}>{(t) => <option value={t.id}>{t.name}</option>}</For>
        </select>
        <p class="hint" id={`${fieldId(path())}-hint`}>
          Only active workflows with a Manual trigger can be called. Its steps see the input below as {'{{trigger.payload}}'}.
        </p>
        <Show when={error()}>
          <p class="error field-error">{error()}</p>
        </Show>
      </div>
      <KeyValueField
        label="Input"
        path={[...props.path, 'input']}
        keyLabel="Input"
        addLabel="Add input"
        value={(props.action.input ?? {}) as Record<string, Json>}
        onChange={(input) => props.patch({ input })}
      />
      <CheckField
        label="Wait for it to finish (its outputs become this step's output)"
        path={[...props.path, 'wait']}
        checked={props.action.wait !== false}
        onChange={(wait) => props.patch({ wait })}
      />
    </>
  );
}
