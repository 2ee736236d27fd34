import { createResource, createSignal, For, Show } from 'solid-js';
import type { SessionDto } from '@conduit/core/api';
import { errorText } from '../api/client';
import { teamApi } from '../api/team';
import { confirmed } from './confirmed';
import { ErrorText, fmtTime } from '../components/ui';

/** Settings → Your account: where you are signed in, and your password. */
export default function Account() {
  const [sessions, { refetch }] = createResource(teamApi.sessions);
  const [msg, setMsg] = createSignal<{ ok: boolean; text: string }>();
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [pwError, setPwError] = createSignal<string>();
  const [pwDone, setPwDone] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let currentInput: HTMLInputElement | undefined;
  let nextInput: HTMLInputElement | undefined;

  const others = () => (sessions()?.items ?? []).filter((s) => !s.current).length;

  const onError = (text: string) => setMsg({ ok: false, text });
  const end = (s: SessionDto) =>
    confirmed(
      { title: `Sign out ${s.device}?`, message: 'That browser has to sign in again.', confirmLabel: 'Sign out' },
      async () => {
        await teamApi.endSession(s.id);
        setMsg({ ok: true, text: `Signed out ${s.device}.` });
        await refetch();
      },
      { focusId: 'sessions-title', onError },
    );
  const endOthers = () =>
    confirmed(
      { title: 'Sign out everywhere else?', message: 'Every other browser and device has to sign in again.', confirmLabel: 'Sign out others' },
      async () => {
        const r = await teamApi.endOtherSessions();
        setMsg({ ok: true, text: `Signed out of ${r.ended} other session${r.ended === 1 ? '' : 's'}.` });
        await refetch();
      },
      { focusId: 'sessions-title', onError },
    );

  const change = async (e: SubmitEvent) => {
    e.preventDefault();
    setPwError(undefined);
    setPwDone(undefined);
    setBusy(true);
    try {
      const r = await teamApi.changePassword(current(), next());
      setCurrent('');
      setNext('');
      setPwDone(`Password changed. ${r.ended ? `${r.ended} other session${r.ended === 1 ? '' : 's'} signed out.` : ''}`.trim());
      void refetch();
    } catch (err) {
      const text = errorText(err);
      setPwError(text);
      (text.startsWith('Current password') ? currentInput : nextInput)?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <h2 id="sessions-title" tabindex="-1">
        Where you are signed in
      </h2>
      <Show when={msg()}>
        {(m) => (
          <p class={m().ok ? 'ok' : 'error'} role={m().ok ? 'status' : 'alert'}>
            {m().text}
          </p>
        )}
      </Show>
      <div class="table-wrap">
        <table class="table">
          <caption class="sr-only">Active sessions</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={sessions()?.items}>
              {(s) => (
                <tr>
                  <td>
                    {s.device}
                    {s.current ? ' (this browser)' : ''}
                    <div class="muted small">
                      {s.clientAddress ? `${s.clientAddress} · ` : ''}signed in {fmtTime(s.createdAt)}
                    </div>
                  </td>
                  <td>{s.current ? 'Now' : fmtTime(s.lastSeenAt)}</td>
                  <td>
                    <Show when={!s.current}>
                      <button type="button" onClick={() => void end(s)} aria-label={`Sign out ${s.device}, last seen ${fmtTime(s.lastSeenAt)}`}>
                        Sign out
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <ErrorText message={sessions.error ? errorText(sessions.error) : undefined} />
      <Show when={others() > 0}>
        <div class="row end">
          <button type="button" onClick={() => void endOthers()}>
            Sign out of all other sessions
          </button>
        </div>
      </Show>

      <form class="card" onSubmit={change} aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <div class="field">
          <label for="pw-current">Current password</label>
          <input
            id="pw-current"
            ref={currentInput}
            type="password"
            autocomplete="current-password"
            required
            value={current()}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="pw-new">New password</label>
          <input
            id="pw-new"
            ref={nextInput}
            type="password"
            autocomplete="new-password"
            required
            value={next()}
            aria-describedby="pw-hint"
            onInput={(e) => setNext(e.currentTarget.value)}
          />
          <p class="hint" id="pw-hint">
            At least 10 characters, not a common password. Your other sessions are signed out.
          </p>
        </div>
        <ErrorText message={pwError()} />
        <Show when={pwDone()}>
          <p class="ok" role="status">
            {pwDone()}
          </p>
        </Show>
        <div class="row end">
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}
