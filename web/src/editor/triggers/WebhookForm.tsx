import { createSignal, Show } from 'solid-js';
import type { WebhookTrigger } from '@conduit/core/definition';
import { api } from '../../api/endpoints';
import { errorText } from '../../api/client';
import { confirmAction } from '../../components/confirm';
import { CheckField, SelectField, TextField } from '../fields';
import { useEditor } from '../context';
import type { TriggerFormProps } from './types';
import { HookRefusalSummary } from '../../monitor/RefusedCalls';

async function copy(text: string, done: (msg: string) => void) {
  try {
    await navigator.clipboard.writeText(text);
    done('Copied.');
  } catch {
    done('Copy failed: select the text and copy it by hand.');
  }
}

export function WebhookForm(props: TriggerFormProps<WebhookTrigger>) {
  const { workflow, workspaceId } = useEditor();
  const [secret, setSecret] = createSignal<string>();
  const [note, setNote] = createSignal<string>();
  const [error, setError] = createSignal<string>();
  const url = () => {
    const wf = workflow();
    if (wf?.hookPath) return `${location.origin}${wf.hookPath}`;
    return wf?.hookId ? `${location.origin}/hooks/${wf.hookId}` : undefined;
  };
  const mode = () => props.trigger.auth?.mode ?? 'none';

  const rotate = async () => {
    const wf = workflow();
    if (!wf) return;
    const ok = await confirmAction({
      title: 'Rotate the webhook secret?',
      message: 'Callers using the old secret are refused from now on. The new secret is shown once.',
      confirmLabel: 'Rotate secret',
      danger: true,
    });
    if (!ok) return;
    setError(undefined);
    try {
      setSecret((await api.workflows.rotateSecret(workspaceId, wf.id)).secret);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <>
      <div class="field">
        <label for="hook-url">Webhook URL</label>
        <div class="row">
          <input id="hook-url" readOnly value={url() ?? 'The URL appears once the draft is saved.'} />
          <button type="button" disabled={!url()} onClick={() => url() && copy(url()!, setNote)}>
            Copy URL
          </button>
        </div>
        <p class="hint">
          Callers POST JSON (or any body) here; the request becomes <code>trigger.body</code>.
        </p>
        <Show when={url() && workflow()?.id}>{(id) => <HookRefusalSummary ws={workspaceId} workflowId={id()} />}</Show>
      </div>
      <SelectField
        label="Authentication"
        path={['trigger', 'auth', 'mode']}
        value={mode()}
        options={[
          { value: 'none', label: 'None: anyone with the URL' },
          { value: 'header', label: 'Shared secret in a header' },
          { value: 'signature', label: 'Signed (Standard Webhooks HMAC-SHA256)' },
        ]}
        onChange={(m) => props.patch({ auth: m === 'header' ? { mode: 'header', headerName: 'X-Webhook-Secret' } : { mode: m } })}
      />
      <Show when={props.trigger.auth?.mode === 'header'}>
        <TextField
          label="Header name"
          path={['trigger', 'auth', 'headerName']}
          value={props.trigger.auth?.mode === 'header' ? props.trigger.auth.headerName : ''}
          onInput={(headerName) => props.patch({ auth: { mode: 'header', headerName } })}
        />
      </Show>
      <Show when={mode() !== 'none'}>
        <div class="field">
          <p class="field-label">Secret</p>
          <Show when={secret()} fallback={<p class="muted">Secrets are stored encrypted and never shown again. Rotate to get a new one.</p>}>
            <div class="row">
              <input aria-label="New secret" readOnly value={secret()} />
              <button type="button" onClick={() => copy(secret()!, setNote)}>
                Copy secret
              </button>
            </div>
            <p class="hint">Save this secret now; it will not be shown again.</p>
          </Show>
          <button type="button" onClick={rotate} disabled={!workflow()}>
            Rotate secret
          </button>
        </div>
      </Show>
      <CheckField
        label="Also accept GET requests"
        path={['trigger', 'allowGet']}
        checked={props.trigger.allowGet ?? false}
        onChange={(allowGet) => props.patch({ allowGet })}
      />
      <Show when={note()}>
        <p class="hint" role="status">
          {note()}
        </p>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </>
  );
}
