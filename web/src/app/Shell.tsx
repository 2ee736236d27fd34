import { For, Match, Show, Switch, type ParentProps } from 'solid-js';
import { A, Navigate, useLocation, useNavigate, useParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { session } from './session';

/** Workspace frame: switcher, navigation, and the signed-in user. */
export function Shell(props: ParentProps) {
  const params = useParams<{ ws: string }>();
  const navigate = useNavigate();
  const location = useLocation();
  const workspace = () => session.me()?.workspaces.find((w) => w.id === params.ws);

  const switchTo = (id: string) => {
    // Keep the same section when switching; ids inside it belong to the old workspace.
    const section = location.pathname.split('/').slice(3, 5).join('/') || 'settings/workflows';
    navigate(`/w/${id}/${section}`);
  };
  const logout = async () => {
    try {
      await api.logout();
    } finally {
      session.clear();
      navigate('/login');
    }
  };

  return (
    <Switch fallback={<p class="page">Loading…</p>}>
      <Match when={session.me.error}>
        <p class="page error" role="alert">
          Could not load your account: {errorText(session.me.error)}
        </p>
      </Match>
      <Match when={session.me() === null}>
        <Navigate href={`/login?next=${encodeURIComponent(location.pathname)}`} />
      </Match>
      <Match when={session.me() && !workspace()}>
        <p class="page">
          This workspace does not exist or you are not a member. <a href="/">Go to your workspace</a>.
        </p>
      </Match>
      <Match when={workspace()}>
        <div class="shell">
          <header class="topbar">
            <a class="brand" href="/">
              Conduit
            </a>
            <label class="switcher">
              <span class="sr-only">Workspace</span>
              <select aria-label="Workspace" value={params.ws} onChange={(e) => switchTo(e.currentTarget.value)}>
                <For each={session.me()?.workspaces}>{(w) => <option value={w.id}>{w.name}</option>}</For>
              </select>
            </label>
            <nav aria-label="Main" class="mainnav">
              <A href={`/w/${params.ws}/records/deal`} activeClass="active">
                Records
              </A>
              <A href={`/w/${params.ws}/approvals`} activeClass="active">
                Approvals
              </A>
              <A href={`/w/${params.ws}/settings/workflows`} activeClass="active">
                Settings
              </A>
            </nav>
            <span class="spacer" />
            <span class="user">{session.me()?.user?.email}</span>
            <button type="button" onClick={logout}>
              Sign out
            </button>
          </header>
          <Show when={location.pathname.includes('/settings/')}>
            <nav aria-label="Settings" class="subnav">
              <span class="muted">Settings:</span>
              <A href={`/w/${params.ws}/settings/workflows`} activeClass="active">
                Workflows
              </A>
              <A href={`/w/${params.ws}/settings/runs`} activeClass="active">
                Workflow runs
              </A>
              <A href={`/w/${params.ws}/settings/events`} activeClass="active">
                Event log
              </A>
              <A href={`/w/${params.ws}/settings/dev-mail`} activeClass="active">
                Dev inbox
              </A>
              <A href={`/w/${params.ws}/settings/members`} activeClass="active">
                Members
              </A>
              <A href={`/w/${params.ws}/settings/usage`} activeClass="active">
                Usage
              </A>
              <Show when={workspace()?.role === 'admin'}>
                <A href={`/w/${params.ws}/settings/api-keys`} activeClass="active">
                  API keys
                </A>
                <A href={`/w/${params.ws}/settings/audit`} activeClass="active">
                  Audit log
                </A>
                <A href={`/w/${params.ws}/settings/retention`} activeClass="active">
                  Data retention
                </A>
              </Show>
              <A href={`/w/${params.ws}/settings/account`} activeClass="active">
                Your account
              </A>
              <A href={`/w/${params.ws}/settings/secrets`} activeClass="active">
                Secrets
              </A>
              <A href={`/w/${params.ws}/settings/failure-alerts`} activeClass="active">
                Failure alerts
              </A>
            </nav>
          </Show>
          <main class="page">{props.children}</main>
        </div>
      </Match>
    </Switch>
  );
}
