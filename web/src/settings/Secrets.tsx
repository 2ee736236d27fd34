import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { SECRET_NAME_PATTERN } from '@conduit/core/definition';
import type { SecretDto } from '@conduit/core/api';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { confirmAction } from '../components/confirm';
import { Empty, ErrorText, fmtTime } from '../components/ui';

const usedByText = (s: SecretDto) =>
  s.usedBy.map((u) => `"${u.name}"${u.active && u.inActiveVersion ? ' (active)' : u.inDraft ? ' (draft)' : ' (an earlier version)'}`).join(', ');

/**
 * Settings → Secrets: credentials workflows reference as {{secrets.NAME}}. Values are write-only:
 * typed into a password field, sent once, never shown again (the list has the last 4 characters).
 */
export default function Secrets() {
  const params = useParams<{ ws: string }>();
  const [list, { refetch }] = createResource(
    () => params.ws,
    (ws) => api.secrets.list(ws),
  );
  const items = createMemo(() => list()?.items ?? []);
  const [name, setName] = createSignal('');
  const [value, setValue] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [notice, setNotice] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [replacing, setReplacing] = createSignal<string>();
  const [replacement, setReplacement] = createSignal('');
  const [rowError, setRowError] = createSignal<{ name: string; message: string }>();
  let nameInput: HTMLInputElement | undefined;

  const add = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(undefined);
    setNotice(undefined);
    if (!SECRET_NAME_PATTERN.test(name())) return setError('Name: use upper case letters, digits and _, starting with a letter (for example CRM_TOKEN).');
    if (!value()) return setError('Value: enter the secret value.');
    if (items().some((s) => s.name === name())) return setError(`Name: ${name()} exists already; use Replace on its row to change its value.`);
    setBusy(true);
    try {
      const saved = await api.secrets.put(params.ws, name(), value());
      setName('');
      setValue('');
      await refetch();
      setNotice(`Saved ${saved.name}. Use it in a workflow as {{secrets.${saved.name}}}.`);
      nameInput?.focus();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const startReplace = (s: SecretDto) => {
    setRowError(undefined);
    setReplacement('');
    setReplacing(s.name);
    queueMicrotask(() => document.getElementById(`replace-${s.name}`)?.focus());
  };
  const cancelReplace = (s: SecretDto) => {
    setReplacing(undefined);
    queueMicrotask(() => document.getElementById(`replace-btn-${s.name}`)?.focus());
  };
  const replace = async (e: SubmitEvent, s: SecretDto) => {
    e.preventDefault();
    if (!replacement()) return setRowError({ name: s.name, message: 'New value: enter the new value.' });
    try {
      await api.secrets.put(params.ws, s.name, replacement());
      setReplacing(undefined);
      setNotice(`Replaced ${s.name}: the next step that uses it gets the new value, running runs included.`);
      await refetch();
      queueMicrotask(() => document.getElementById(`replace-btn-${s.name}`)?.focus());
    } catch (err) {
      setRowError({ name: s.name, message: errorText(err) });
    }
  };

  const remove = async (s: SecretDto) => {
    const users = usedByText(s);
    const ok = await confirmAction({
      title: `Delete ${s.name}?`,
      message: users
        ? `Used by ${users}. Runs of these workflows that reach a step using it will fail. This cannot be undone.`
        : 'No workflow uses it. This cannot be undone.',
      confirmLabel: 'Delete secret',
      danger: true,
    });
    if (!ok) return;
    setRowError(undefined);
    try {
      await api.secrets.remove(params.ws, s.name);
      // The list first, then the notice: "Deleted" never shows beside the row it names.
      await refetch();
      setNotice(`Deleted ${s.name}.`);
      nameInput?.focus();
    } catch (err) {
      setRowError({ name: s.name, message: errorText(err) });
    }
  };

  return (
    <section aria-labelledby="secrets-title">
      <h1 id="secrets-title">Secrets</h1>
      <p class="muted">
        API keys, tokens and passwords your workflows use, written as <code>{'{{secrets.NAME}}'}</code> in a webhook's URL, headers, query, body or Auth. Values
        are encrypted, only used at the moment of a call and never shown again.
      </p>
      <form class="secret-add" onSubmit={add} aria-labelledby="secret-add-title">
        <h2 id="secret-add-title">Add a secret</h2>
        <div class="row wrap">
          <div class="field">
            <label for="secret-name">Name</label>
            <input
              id="secret-name"
              ref={nameInput}
              value={name()}
              autocomplete="off"
              spellcheck={false}
              placeholder="CRM_TOKEN"
              aria-describedby="secret-name-hint"
              onInput={(e) => setName(e.currentTarget.value.toUpperCase())}
            />
            <p class="hint" id="secret-name-hint">
              Upper case letters, digits and _.
            </p>
          </div>
          <div class="field grow">
            <label for="secret-value">Value</label>
            <input id="secret-value" type="password" autocomplete="new-password" value={value()} onInput={(e) => setValue(e.currentTarget.value)} />
          </div>
        </div>
        <button type="submit" class="primary" disabled={busy()}>
          Add secret
        </button>
      </form>
      <ErrorText message={error()} />
      <Show when={notice()}>
        <p class="ok" role="status">
          {notice()}
        </p>
      </Show>
      <Show when={list.error}>
        <p class="error" role="alert">
          Could not load secrets: {errorText(list.error)}
        </p>
      </Show>
      <Show when={list() && items().length === 0}>
        <Empty>
          <p>No secrets yet.</p>
        </Empty>
      </Show>
      <Show when={items().length > 0}>
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Value</th>
                <th>Used by</th>
                <th>Updated</th>
                <th>
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={items()}>
                {(s) => (
                  <>
                    <tr>
                      <td>
                        <code>{s.name}</code>
                      </td>
                      <td>
                        <span class="muted">{s.hint ?? 'hidden'}</span>
                      </td>
                      <td>
                        <Show when={s.usedBy.length > 0} fallback={<span class="muted">No workflow</span>}>
                          <For each={s.usedBy}>
                            {(u, i) => (
                              <>
                                {i() > 0 ? ', ' : ''}
                                <A href={`/w/${params.ws}/settings/workflows/${u.workflowId}`}>{u.name}</A>
                                <Show when={u.active && u.inActiveVersion}>
                                  <span class="muted"> (active)</span>
                                </Show>
                              </>
                            )}
                          </For>
                        </Show>
                      </td>
                      <td>
                        <span class="muted">
                          {fmtTime(s.updatedAt)}
                          {s.updatedBy ? ` by ${s.updatedBy}` : ''}
                        </span>
                      </td>
                      <td class="row">
                        <button type="button" id={`replace-btn-${s.name}`} onClick={() => startReplace(s)} aria-label={`Replace ${s.name}`}>
                          Replace
                        </button>
                        <button type="button" class="danger" onClick={() => remove(s)} aria-label={`Delete ${s.name}`}>
                          Delete
                        </button>
                      </td>
                    </tr>
                    <Show when={replacing() === s.name}>
                      <tr>
                        <td colspan="5">
                          <form class="row wrap" onSubmit={(e) => replace(e, s)}>
                            <div class="field grow">
                              <label for={`replace-${s.name}`}>New value for {s.name}</label>
                              <input
                                id={`replace-${s.name}`}
                                type="password"
                                autocomplete="new-password"
                                value={replacement()}
                                onInput={(e) => setReplacement(e.currentTarget.value)}
                              />
                            </div>
                            <button type="submit" class="primary">
                              Save new value
                            </button>
                            <button type="button" onClick={() => cancelReplace(s)}>
                              Cancel
                            </button>
                          </form>
                        </td>
                      </tr>
                    </Show>
                    <Show when={rowError()?.name === s.name}>
                      <tr>
                        <td colspan="5">
                          <p class="error" role="alert">
                            {rowError()?.message}
                          </p>
                        </td>
                      </tr>
                    </Show>
                  </>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
