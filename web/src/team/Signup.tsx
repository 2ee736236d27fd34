import { createResource, createSignal, Show } from 'solid-js';
import { A, useNavigate } from '@solidjs/router';
import { ApiError, errorText } from '../api/client';
import { teamApi } from '../api/team';
import { session } from '../app/session';

/** A slug suggestion from the workspace name: "Acme Labs" → "acme-labs". */
export const slugify = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);

/** /signup (SIGNUP=open): a new workspace with you as its first admin. */
export default function Signup() {
  const navigate = useNavigate();
  const [options] = createResource(teamApi.options);
  const [f, setF] = createSignal({ name: '', email: '', password: '', workspaceName: '', workspaceSlug: '' });
  const [slugTouched, setSlugTouched] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const set = (k: keyof ReturnType<typeof f>, v: string) =>
    setF({ ...f(), [k]: v, ...(k === 'workspaceName' && !slugTouched() ? { workspaceSlug: slugify(v) } : {}) });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const r = await teamApi.signup(f());
      await session.refetch();
      navigate(`/w/${r.workspace.id}/settings/workflows`, { replace: true });
    } catch (err) {
      setError(errorText(err));
      const field = err instanceof ApiError ? err.path : undefined;
      const id = { name: 'su-name', email: 'su-email', password: 'su-password', workspaceName: 'su-ws', workspaceSlug: 'su-slug' }[field ?? ''];
      if (id) document.getElementById(id)?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <Show when={options()} fallback={<p>Loading…</p>}>
        {(o) => (
          <Show
            when={o().signup}
            fallback={
              <div class="card">
                <h1>Sign-up is closed</h1>
                <p>Ask an admin of your workspace to invite you.</p>
                <A href="/login">Go to sign-in</A>
              </div>
            }>
            <form class="card" onSubmit={submit} aria-labelledby="signup-title">
              <h1 id="signup-title">Create a workspace</h1>
              <label for="su-name">Your name</label>
              <input id="su-name" autocomplete="name" required value={f().name} onInput={(e) => set('name', e.currentTarget.value)} />
              <label for="su-email">Email</label>
              <input id="su-email" type="email" autocomplete="email" required value={f().email} onInput={(e) => set('email', e.currentTarget.value)} />
              <label for="su-password">Password</label>
              <input
                id="su-password"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby="su-pw-hint"
                value={f().password}
                onInput={(e) => set('password', e.currentTarget.value)}
              />
              <p class="hint" id="su-pw-hint">
                At least 10 characters, not a common password.
              </p>
              <label for="su-ws">Workspace name</label>
              <input id="su-ws" required value={f().workspaceName} onInput={(e) => set('workspaceName', e.currentTarget.value)} />
              <label for="su-slug">Workspace address</label>
              <input
                id="su-slug"
                required
                aria-describedby="su-slug-hint"
                value={f().workspaceSlug}
                onInput={(e) => {
                  setSlugTouched(true);
                  set('workspaceSlug', e.currentTarget.value);
                }}
              />
              <p class="hint" id="su-slug-hint">
                Lowercase letters, digits and dashes; used in links.
              </p>
              <Show when={error()}>
                <p class="error" role="alert">
                  {error()}
                </p>
              </Show>
              <button type="submit" class="primary" disabled={busy()}>
                {busy() ? 'Creating…' : 'Create workspace'}
              </button>
              <p class="hint">
                Have an account? <A href="/login">Sign in</A>
              </p>
            </form>
          </Show>
        )}
      </Show>
    </main>
  );
}
