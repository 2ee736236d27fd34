import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { SECRET_NAME_PATTERN, type SendWebhookAction, type SendWebhookAuth } from '@conduit/core/definition';
import { errorText } from '../../api/client';
import { useEditor } from '../context';
import { SelectField, TextField, fieldId, useFieldError } from '../fields';
import type { Path } from '../draft';

type AuthType = SendWebhookAuth['type'];
const AUTH_TYPES: readonly { value: AuthType; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'basic', label: 'Basic (username and password)' },
  { value: 'header', label: 'API key in a header' },
  { value: 'oauth2_client_credentials', label: 'OAuth2 client credentials' },
];

/** A new auth of a type, credentials still to pick. */
function emptyAuth(type: AuthType): SendWebhookAuth | undefined {
  switch (type) {
    case 'none':
      return undefined;
    case 'bearer':
      return { type, token: '' };
    case 'basic':
      return { type, username: '', password: '' };
    case 'header':
      return { type, name: 'X-Api-Key', value: '' };
    case 'oauth2_client_credentials':
      return { type, tokenUrl: '', clientId: '', clientSecret: '' };
  }
}

const refOf = (name: string) => `{{secrets.${name}}}`;
const nameOf = (ref: string) => /^\{\{\s*secrets\.([A-Z][A-Z0-9_]*)\s*\}\}$/.exec(ref)?.[1] ?? '';

/**
 * A credential field: a choice among the workspace's secrets, never a typed value, with "Create a
 * secret" in place for one that does not exist yet (its value goes straight to the secrets API).
 */
function SecretPicker(props: { label: string; path: Path; value: string; onChange: (ref: string) => void }) {
  const { secretNames, saveSecret } = useEditor();
  const error = useFieldError(() => props.path);
  const id = () => fieldId(props.path);
  const [creating, setCreating] = createSignal(false);
  const [name, setName] = createSignal('');
  const [value, setValue] = createSignal('');
  const [problem, setProblem] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let select: HTMLSelectElement | undefined;
  let nameInput: HTMLInputElement | undefined;
  const names = () => {
    const current = nameOf(props.value);
    return current && !secretNames().includes(current) ? [...secretNames(), current] : secretNames();
  };
  const open = () => {
    setCreating(true);
    setProblem(undefined);
    queueMicrotask(() => nameInput?.focus());
  };
  const close = () => {
    setCreating(false);
    setName('');
    setValue('');
    queueMicrotask(() => select?.focus());
  };
  const create = async () => {
    if (!SECRET_NAME_PATTERN.test(name())) return setProblem('Name: upper case letters, digits and _, starting with a letter (for example CRM_TOKEN).');
    if (!value()) return setProblem('Value: enter the secret value.');
    setBusy(true);
    try {
      await saveSecret(name(), value());
      props.onChange(refOf(name()));
      close();
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="field secret-picker">
      <label for={id()}>{props.label}</label>
      <div class="row wrap">
        <select
          id={id()}
          ref={select}
          value={nameOf(props.value)}
          aria-invalid={error() ? 'true' : undefined}
          aria-describedby={error() ? `${id()}-err` : undefined}
          onChange={(e) => props.onChange(e.currentTarget.value ? refOf(e.currentTarget.value) : '')}>
          <option value="">Choose a secret…</option>
          <For each={names()}>{(n) => <option value={n}>{n}</option>}</For>
        </select>
        <Show when={!creating()}>
          <button type="button" class="link" onClick={open} aria-label={`Create a secret for ${props.label}`}>
            Create a secret
          </button>
        </Show>
      </div>
      <Show when={error()}>
        <p class="error field-error" id={`${id()}-err`}>
          {error()}
        </p>
      </Show>
      <Show when={creating()}>
        {/* A group, not a <form>: it sits inside the editor, and Enter must not submit anything else. */}
        <fieldset class="inline-create">
          <legend>New secret for {props.label}</legend>
          <div class="row wrap">
            <div class="field">
              <label for={`${id()}-new-name`}>Secret name</label>
              <input
                id={`${id()}-new-name`}
                ref={nameInput}
                value={name()}
                autocomplete="off"
                spellcheck={false}
                placeholder="CRM_TOKEN"
                onInput={(e) => setName(e.currentTarget.value.toUpperCase())}
              />
            </div>
            <div class="field grow">
              <label for={`${id()}-new-value`}>Secret value</label>
              <input
                id={`${id()}-new-value`}
                type="password"
                autocomplete="new-password"
                value={value()}
                onInput={(e) => setValue(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    void create();
                  }
                }}
              />
            </div>
          </div>
          <Show when={problem()}>
            <p class="error" role="alert">
              {problem()}
            </p>
          </Show>
          <div class="row">
            <button type="button" class="primary" disabled={busy()} onClick={() => void create()}>
              Save secret
            </button>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </fieldset>
      </Show>
    </div>
  );
}

/** send_webhook's Auth section: the five kinds, each credential picked from the workspace's secrets. */
export function WebhookAuthSection(props: { action: SendWebhookAction; path: Path; onChange: (auth: SendWebhookAuth | undefined) => void }) {
  const auth = () => props.action.auth;
  const p = (key: string): Path => [...props.path, 'auth', key];
  const set = (patch: Record<string, string>) => props.onChange({ ...(auth() as SendWebhookAuth), ...patch } as SendWebhookAuth);
  return (
    <fieldset class="field auth">
      <legend>Auth</legend>
      <SelectField
        label="Authentication"
        path={[...props.path, 'auth']}
        value={auth()?.type ?? 'none'}
        options={AUTH_TYPES}
        onChange={(t) => props.onChange(emptyAuth(t))}
      />
      <Switch>
        <Match when={auth()?.type === 'bearer' && (auth() as Extract<SendWebhookAuth, { type: 'bearer' }>)}>
          {(a) => <SecretPicker label="Token" path={p('token')} value={a().token} onChange={(token) => set({ token })} />}
        </Match>
        <Match when={auth()?.type === 'basic' && (auth() as Extract<SendWebhookAuth, { type: 'basic' }>)}>
          {(a) => (
            <>
              <SecretPicker label="Username" path={p('username')} value={a().username} onChange={(username) => set({ username })} />
              <SecretPicker label="Password" path={p('password')} value={a().password} onChange={(password) => set({ password })} />
            </>
          )}
        </Match>
        <Match when={auth()?.type === 'header' && (auth() as Extract<SendWebhookAuth, { type: 'header' }>)}>
          {(a) => (
            <>
              <TextField label="Header name" path={p('name')} value={a().name} onInput={(name) => set({ name })} />
              <SecretPicker label="Header value" path={p('value')} value={a().value} onChange={(value) => set({ value })} />
            </>
          )}
        </Match>
        <Match when={auth()?.type === 'oauth2_client_credentials' && (auth() as Extract<SendWebhookAuth, { type: 'oauth2_client_credentials' }>)}>
          {(a) => (
            <>
              <TextField
                label="Token URL"
                type="url"
                path={p('tokenUrl')}
                value={a().tokenUrl}
                placeholder="https://auth.example.com/oauth/token"
                onInput={(tokenUrl) => set({ tokenUrl })}
              />
              <SecretPicker label="Client ID" path={p('clientId')} value={a().clientId} onChange={(clientId) => set({ clientId })} />
              <SecretPicker label="Client secret" path={p('clientSecret')} value={a().clientSecret} onChange={(clientSecret) => set({ clientSecret })} />
              <div class="row wrap">
                <TextField label="Scope (optional)" path={p('scope')} value={a().scope ?? ''} onInput={(scope) => set({ scope })} />
                <TextField label="Audience (optional)" path={p('audience')} value={a().audience ?? ''} onInput={(audience) => set({ audience })} />
              </div>
            </>
          )}
        </Match>
      </Switch>
    </fieldset>
  );
}
