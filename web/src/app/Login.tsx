import { createResource, createSignal, Show } from 'solid-js';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { teamApi } from '../api/team';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { session } from './session';

export function Login() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  // Whether sign-up is open (SIGNUP=open); closed, or unknown, shows no link.
  const [options] = createResource(() => teamApi.options().catch(() => ({ signup: false })));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      await api.login(email(), password());
      await session.refetch();
      const next = typeof params.next === 'string' && params.next.startsWith('/') ? params.next : '/';
      navigate(next, { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Conduit</h1>
        <label for="login-email">Email</label>
        <input id="login-email" type="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autocomplete="current-password"
          required
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? 'Signing in…' : 'Sign in'}
        </button>
        <Show when={options()?.signup}>
          <p class="hint">
            New here? <A href="/signup">Create a workspace</A>
          </p>
        </Show>
      </form>
    </main>
  );
}
