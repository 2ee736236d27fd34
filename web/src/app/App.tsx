import { lazy, Match, Show, Switch, type ParentProps } from 'solid-js';
import { Navigate, Route, Router, useNavigate } from '@solidjs/router';
import { setUnauthorizedHandler, errorText } from '../api/client';
import { session } from './session';
import { Login } from './Login';
import { Shell } from './Shell';
import { WorkflowList } from '../settings/WorkflowList';
import { ConfirmHost } from '../components/confirm';

// Editor, monitor and records are split into their own chunks so the first load stays small.
const Editor = lazy(() => import('../editor/Editor'));
const VersionView = lazy(() => import('../editor/VersionView'));
const Runs = lazy(() => import('../monitor/Runs'));
const RunDetail = lazy(() => import('../monitor/RunDetail'));
const Events = lazy(() => import('../monitor/Events'));
const Records = lazy(() => import('../records/Records'));
const DevInbox = lazy(() => import('../monitor/DevInbox'));
const Members = lazy(() => import('../team/Members'));
const ApiKeys = lazy(() => import('../team/ApiKeys'));
const AuditLog = lazy(() => import('../team/AuditLog'));
const Account = lazy(() => import('../team/Account'));
const AcceptInvite = lazy(() => import('../team/AcceptInvite'));
const Signup = lazy(() => import('../team/Signup'));
const Secrets = lazy(() => import('../settings/Secrets'));
const Approvals = lazy(() => import('../approvals/Approvals'));
const FailureAlerts = lazy(() => import('../settings/FailureAlerts'));
const Retention = lazy(() => import('../settings/Retention'));
const Usage = lazy(() => import('../settings/Usage'));
const ApprovalLink = lazy(() => import('../approvals/ApprovalLink'));

function Home() {
  return (
    <Switch fallback={<p class="page">Loading…</p>}>
      <Match when={session.me.error}>
        <p class="page error" role="alert">
          Could not load your account: {errorText(session.me.error)}
        </p>
      </Match>
      <Match when={session.me() === null}>
        <Navigate href="/login" />
      </Match>
      <Match when={session.me()?.workspaces.length === 0}>
        <p class="page">You are not a member of any workspace yet. Ask an admin to invite you.</p>
      </Match>
      <Match when={session.me()?.workspaces[0]}>{(w) => <Navigate href={`/w/${w().id}/settings/workflows`} />}</Match>
    </Switch>
  );
}

function Root(props: ParentProps) {
  const navigate = useNavigate();
  setUnauthorizedHandler(() => {
    session.clear();
    // Public pages (sign-in, sign-up, an invitation, an emailed approval link) stay where they are.
    if (!/^\/(login|signup|invite\/|approvals\/)/.test(location.pathname)) navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  });
  return (
    <>
      {props.children}
      <ConfirmHost />
    </>
  );
}

export function App() {
  return (
    <Router root={Root}>
      <Route path="/login" component={Login} />
      <Route path="/signup" component={Signup} />
      <Route path="/invite/:token" component={AcceptInvite} />
      <Route path="/approvals/:token" component={ApprovalLink} />
      <Route path="/" component={Home} />
      <Route path="/w/:ws" component={Shell}>
        <Route path="/" component={() => <Navigate href="settings/workflows" />} />
        <Route path="/settings/workflows" component={WorkflowList} />
        <Route path="/settings/workflows/:id" component={Editor} />
        <Route path="/settings/workflows/:id/versions/:version" component={VersionView} />
        <Route path="/settings/runs" component={Runs} />
        <Route path="/settings/runs/:id" component={RunDetail} />
        <Route path="/settings/events" component={Events} />
        <Route path="/settings/dev-mail" component={DevInbox} />
        <Route path="/settings/members" component={Members} />
        <Route path="/settings/api-keys" component={ApiKeys} />
        <Route path="/settings/audit" component={AuditLog} />
        <Route path="/settings/account" component={Account} />
        <Route path="/settings/secrets" component={Secrets} />
        <Route path="/settings/failure-alerts" component={FailureAlerts} />
        <Route path="/settings/retention" component={Retention} />
        <Route path="/settings/usage" component={Usage} />
        <Route path="/records/:object?" component={Records} />
        <Route path="/approvals" component={Approvals} />
      </Route>
      <Route
        path="*"
        component={() => (
          <Show when={true}>
            <p class="page">
              Page not found. <a href="/">Go to your workspace</a>.
            </p>
          </Show>
        )}
      />
    </Router>
  );
}
