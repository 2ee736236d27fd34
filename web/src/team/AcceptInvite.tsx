import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { A, useNavigate, useParams } from '@solidjs/router';
import { ApiError, errorText } from '../api/client';
import { api } from '../api/endpoints';
import { teamApi } from '../api/team';
import { session } from '../app/session';

/** /invite/:token, the page an invitation link opens: join as a new person, or as the signed-in one. */
export default function AcceptInvite() {
  const params = useParams<{ token: string }>();
  const navigate = useNavigate();
  const [invite] = createResource(
    () => params.token,
    (t) => teamApi.invitation(t),
  );
  const [name, setName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let nameInput: HTMLInputElement | undefined;
  let passwordInput: HTMLInputElement | undefined;

  const me = () => session.me();
  const signedInAs = () => me()?.user?.email ?? null;

  const accept = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const r = await teamApi.accept(params.token, signedInAs() ? {} : { name: name(), password: password() });
      await session.refetch();
      navigate(`/w/${r.workspace.id}/settings/workflows`, { replace: true });
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError && err.path === 'name') nameInput?.focus();
      else passwordInput?.focus();
    } finally {
      setBusy(false);
    }
  };
  const signOut = async () => {
    await api.logout().catch(() => {});
    session.clear();
  };

  return (
    <main class="login">
      <Switch fallback={<p>Loading the invitation…</p>}>
        <Match when={invite.error}>
          <div class="card" role="alert">
            <h1>This invitation cannot be used</h1>
            <p>{errorText(invite.error)}</p>
            <A href="/login">Go to sign-in</A>
          </div>
        </Match>
        <Match when={invite()}>
          {(inv) => (
            <form class="card" onSubmit={accept} aria-labelledby="invite-title">
              <h1 id="invite-title">Join {inv().workspace.name}</h1>
              <p>
                {inv().invitedBy ?? 'An admin'} invited <strong>{inv().email}</strong> as {inv().role === 'admin' ? 'an admin' : 'a member'}.
              </p>
              <Switch>
                <Match when={signedInAs() && signedInAs() !== inv().email}>
                  <p role="alert" class="error">
                    You are signed in as {signedInAs()}. Sign out, then open the link again to accept as {inv().email}.
                  </p>
                  <button type="button" onClick={() => void signOut()}>
                    Sign out
                  </button>
                </Match>
                <Match when={signedInAs()}>
                  <Show when={error()}>
                    <p class="error" role="alert">
                      {error()}
                    </p>
                  </Show>
                  <button type="submit" class="primary" disabled={busy()}>
                    {busy() ? 'Joining…' : `Join ${inv().workspace.name}`}
                  </button>
                </Match>
                <Match when={inv().existingUser}>
                  <p>You already have an account. Sign in, and you come back here to accept.</p>
                  <A class="button primary" href={`/login?next=${encodeURIComponent(`/invite/${params.token}`)}`}>
                    Sign in as {inv().email}
                  </A>
                </Match>
                <Match when={true}>
                  <label for="invite-name">Your name</label>
                  <input id="invite-name" ref={nameInput} autocomplete="name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} />
                  <label for="invite-password">Choose a password</label>
                  <input
                    id="invite-password"
                    ref={passwordInput}
                    type="password"
                    autocomplete="new-password"
                    required
                    aria-describedby="invite-pw-hint"
                    value={password()}
                    onInput={(e) => setPassword(e.currentTarget.value)}
                  />
                  <p class="hint" id="invite-pw-hint">
                    At least 10 characters, not a common password.
                  </p>
                  <Show when={error()}>
                    <p class="error" role="alert">
                      {error()}
                    </p>
                  </Show>
                  <button type="submit" class="primary" disabled={busy()}>
                    {busy() ? 'Joining…' : `Join ${inv().workspace.name}`}
                  </button>
                </Match>
              </Switch>
            </form>
          )}
        </Match>
      </Switch>
    </main>
  );
}
