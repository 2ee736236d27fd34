import { createResource, createSignal, For, Show } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import type { ApprovalDto } from '@conduit/core/api';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { Empty, fmtTime } from '../components/ui';

/** Runs waiting on the signed-in person: approve or reject each, with an optional comment. */
export default function Approvals() {
  const params = useParams<{ ws: string }>();
  const [list, { refetch }] = createResource(
    () => params.ws,
    (ws) => api.approvals.list(ws, 'pending'),
  );
  const [done, setDone] = createSignal<string>();
  let statusEl: HTMLParagraphElement | undefined;
  const decided = async (text: string) => {
    setDone(text);
    // The card that had focus is about to go: focus the outcome first, so keyboard users are never
    // dropped to the page top, however long the refresh takes.
    statusEl?.focus();
    await refetch();
  };
  return (
    <section aria-labelledby="approvals-title">
      <div class="row between">
        <h1 id="approvals-title">Approvals</h1>
        <button type="button" onClick={() => void refetch()}>
          Refresh
        </button>
      </div>
      <p class="muted">Runs waiting for your decision. Approvers also get an email with one-time approve and reject links.</p>
      <p class="status-line" role="status" tabIndex={-1} ref={(e) => (statusEl = e)}>
        {done() ?? ''}
      </p>
      <Show when={list.error}>
        <p class="error" role="alert">
          Could not load approvals: {errorText(list.error)}
        </p>
      </Show>
      <Show when={list() && list()!.items.length === 0}>
        <Empty>
          <p>Nothing is waiting for you.</p>
        </Empty>
      </Show>
      <ul class="events">
        <For each={list()?.items}>{(a) => <ApprovalCard ws={params.ws} approval={a} onDecided={decided} />}</For>
      </ul>
    </section>
  );
}

function ApprovalCard(props: { ws: string; approval: ApprovalDto; onDecided: (text: string) => Promise<void> }) {
  const [comment, setComment] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const a = () => props.approval;
  const commentId = () => `approval-comment-${a().id}`;
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    try {
      await api.approvals.decide(props.ws, a().id, decision, comment().trim() || undefined);
      await props.onDecided(`${decision === 'approve' ? 'Approved' : 'Rejected'}: ${a().workflowName}. The run goes on.`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card approval">
      <h2 class="approval-title">{a().workflowName}</h2>
      <p class="approval-message">{a().message}</p>
      <p class="muted">
        Asked {fmtTime(a().createdAt)} · expires {fmtTime(a().expiresAt)} · <A href={`/w/${props.ws}/settings/runs/${a().executionId}`}>see the run</A>
      </p>
      <div class="field">
        <label for={commentId()}>Comment (optional)</label>
        <textarea id={commentId()} rows={2} value={comment()} onInput={(e) => setComment(e.currentTarget.value)} />
      </div>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="row">
        <button type="button" class="primary" disabled={busy()} onClick={() => void decide('approve')}>
          Approve
        </button>
        <button type="button" class="danger" disabled={busy()} onClick={() => void decide('reject')}>
          Reject
        </button>
      </div>
    </li>
  );
}
