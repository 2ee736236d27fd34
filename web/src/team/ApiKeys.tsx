import { createResource, createSignal, For, Show } from 'solid-js';
import { useParams } from '@solidjs/router';
import type { ApiKeyDto } from '@conduit/core/api';
import { errorText } from '../api/client';
import { teamApi } from '../api/team';
import { confirmed } from './confirmed';
import { ErrorText, fmtTime } from '../components/ui';
import { CopyOnce } from './CopyOnce';

const EXPIRY: { value: string; label: string; days: number | null }[] = [
  { value: '30', label: 'In 30 days', days: 30 },
  { value: '90', label: 'In 90 days', days: 90 },
  { value: '365', label: 'In a year', days: 365 },
  { value: 'never', label: 'Never', days: null },
];

function keyState(k: ApiKeyDto): string {
  if (k.revokedAt) return `Revoked ${fmtTime(k.revokedAt)}`;
  if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) return `Expired ${fmtTime(k.expiresAt)}`;
  return k.expiresAt ? `Active, expires ${fmtTime(k.expiresAt)}` : 'Active, no expiry';
}

/** Settings → API keys (admins): create one (shown once), see them, revoke. */
export default function ApiKeys() {
  const params = useParams<{ ws: string }>();
  const [keys, { refetch }] = createResource(() => params.ws, teamApi.apiKeys);
  const [name, setName] = createSignal('');
  const [role, setRole] = createSignal<'admin' | 'member'>('member');
  const [expiry, setExpiry] = createSignal('90');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [created, setCreated] = createSignal<{ key: string; name: string }>();
  const [rowMsg, setRowMsg] = createSignal<{ id: string; text: string }>();
  let nameInput: HTMLInputElement | undefined;

  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const days = EXPIRY.find((x) => x.value === expiry())?.days ?? null;
      const r = await teamApi.createApiKey(params.ws, {
        name: name(),
        role: role(),
        ...(days ? { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
      });
      setCreated({ key: r.key, name: r.apiKey.name });
      setName('');
      void refetch();
    } catch (err) {
      setError(errorText(err));
      nameInput?.focus();
    } finally {
      setBusy(false);
    }
  };

  const revoke = (k: ApiKeyDto) =>
    confirmed(
      { title: `Revoke “${k.name}”?`, message: 'Scripts using this key are refused from now on. This cannot be undone.', confirmLabel: 'Revoke', danger: true },
      async () => {
        await teamApi.revokeApiKey(params.ws, k.id);
        await refetch();
      },
      { focusId: 'keys-title', onError: (text) => setRowMsg({ id: k.id, text }) },
    );

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title" tabindex="-1">
        API keys
      </h1>
      <p class="muted">
        Scripts call the API with <code>Authorization: Bearer cdk_…</code>. A key acts with its role in this workspace only.
      </p>
      <form class="card" onSubmit={create} aria-labelledby="newkey-title">
        <h2 id="newkey-title">New API key</h2>
        <div class="row wrap">
          <div class="field">
            <label for="key-name">Name</label>
            <input
              id="key-name"
              ref={nameInput}
              required
              maxLength={100}
              value={name()}
              placeholder="e.g. CRM sync"
              onInput={(e) => setName(e.currentTarget.value)}
              aria-describedby={error() ? 'key-error' : undefined}
            />
          </div>
          <div class="field narrow">
            <label for="key-role">Role</label>
            <select id="key-role" value={role()} onChange={(e) => setRole(e.currentTarget.value as 'admin' | 'member')}>
              <option value="member">Member</option>
              <option value="admin">Admin</option>
            </select>
          </div>
          <div class="field narrow">
            <label for="key-expiry">Expires</label>
            <select id="key-expiry" value={expiry()} onChange={(e) => setExpiry(e.currentTarget.value)}>
              <For each={EXPIRY}>{(x) => <option value={x.value}>{x.label}</option>}</For>
            </select>
          </div>
        </div>
        <ErrorText id="key-error" message={error()} />
        <div class="row end">
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
      <Show when={created()}>
        {(c) => (
          <CopyOnce
            id="new-key"
            label={`The key “${c().name}”`}
            value={c().key}
            note="Copy it now: it is stored hashed and never shown again."
            onDone={() => {
              setCreated(undefined);
              nameInput?.focus();
            }}
          />
        )}
      </Show>
      <Show when={(keys()?.items.length ?? 0) > 0} fallback={<p class="muted">No API keys yet.</p>}>
        <div class="table-wrap">
          <table class="table">
            <caption class="sr-only">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Last used</th>
                <th scope="col">Created by</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={keys()?.items}>
                {(k) => (
                  <tr>
                    <td>
                      {k.name}
                      <div class="muted small">
                        <code>{k.prefix}…</code> · {keyState(k)}
                      </div>
                      <ErrorText message={rowMsg()?.id === k.id ? rowMsg()?.text : undefined} />
                    </td>
                    <td>{k.role === 'admin' ? 'Admin' : 'Member'}</td>
                    <td>{k.lastUsedAt ? fmtTime(k.lastUsedAt) : 'Never'}</td>
                    <td>
                      {k.createdByName ?? '—'}
                      <div class="muted small">{fmtTime(k.createdAt)}</div>
                    </td>
                    <td>
                      <Show when={!k.revokedAt}>
                        <button type="button" class="danger" onClick={() => void revoke(k)} aria-label={`Revoke ${k.name}`}>
                          Revoke
                        </button>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <ErrorText message={keys.error ? errorText(keys.error) : undefined} />
    </section>
  );
}
