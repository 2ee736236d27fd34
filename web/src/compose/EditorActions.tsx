import { createSignal, Show } from 'solid-js';
import type { WorkflowTrigger } from '@conduit/core/definition';
import { errorText } from '../api/client';
import type { Workflow } from '../api/schemas';
import { RunNowDialog } from './RunNowDialog';
import { downloadExport } from './export';

/** The editor's Run now (an active manual workflow not on records) and Export buttons. */
export function EditorActions(props: { ws: string; workflow: Workflow; trigger: WorkflowTrigger }) {
  const [running, setRunning] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const runnable = () => props.workflow.isActive && props.trigger.type === 'manual' && !props.trigger.object;
  const exportIt = async () => {
    setError(undefined);
    try {
      await downloadExport(props.ws, props.workflow.id);
    } catch (e) {
      setError(`Could not export: ${errorText(e)}`);
    }
  };
  return (
    <>
      <Show when={runnable()}>
        <button type="button" onClick={() => setRunning(true)}>
          Run now
        </button>
      </Show>
      <button type="button" onClick={exportIt}>
        Export
      </button>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={running()}>
        <RunNowDialog ws={props.ws} workflow={props.workflow} onClose={() => setRunning(false)} />
      </Show>
    </>
  );
}
