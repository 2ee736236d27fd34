import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { useParams } from '@solidjs/router';
import type { ApprovalLinkDto } from '@conduit/core/api';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';

/** Why an emailed link cannot be used, in words. */
const CLOSED: Record<Exclude<ApprovalLinkDto['state'], 'open'>, (l: ApprovalLinkDto) => string> = {
  used: () => 'This link was already used.',
  decided: (l) =>
    l.status === 'expired'
      ? 'This approval timed out before anyone decided.'
      : `This request was already ${l.status}${l.decidedBy ? ` by ${l.decidedBy}` : ''}.`,
  expired: () => 'This link has expired.',
  run_cancelled: () => 'The run was cancelled, so nothing is waiting for this decision any more.',
  run_ended: () => 'The run has already ended, so nothing is waiting for this decision any more.',
};

/**
 * The page an emailed approve / reject link opens (no sign-in: the link is the credential). Opening
 * it decides nothing (mail scanners open links); the person confirms, optionally with a comment.
 */
export default function ApprovalLink() {
  const params = useParams<{ token: string }>();
  const [link, { mutate }] = createResource(
    () => params.token,
    (t) => api.approvalLinks.get(t),
  );
  const [comment, setComment] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [result, setResult] = createSignal<string>();
  let resultEl: HTMLParagraphElement | undefined;
  const verb = () => (link()?.decision === 'approve' ? 'approve' : 'reject');
  // The question only while it can still be answered; afterwards the heading says what happened.
  const heading = () => {
    const l = link.error ? undefined : link();
    if (result()) return l?.decision === 'approve' ? 'Approved' : 'Rejected';
    if (l?.state !== 'open') return 'Approval request';
    return l.decision === 'approve' ? 'Approve this request?' : 'Reject this request?';
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const after = await api.approvalLinks.decide(params.token, comment().trim() || undefined);
      mutate(after);
      setResult(after.decision === 'approve' ? 'Approved. The run goes on; you can close this page.' : 'Rejected. The run goes on; you can close this page.');
      queueMicrotask(() => resultEl?.focus());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="page narrow approval-link">
      <h1>{heading()}</h1>
      <Switch>
        <Match when={link.error}>
          <p class="error" role="alert">
            This link is not valid. Check that you opened the whole link from the email. ({errorText(link.error)})
          </p>
        </Match>
        <Match when={result()}>
          <p class="status-line" role="status" tabIndex={-1} ref={(e) => (resultEl = e)}>
            {result()}
          </p>
        </Match>
        <Match when={link()}>
          {(l) => (
            <>
              <p class="muted">
                Workflow <strong>{l().workflowName}</strong> · for {l().email}
              </p>
              <blockquote class="approval-message">{l().message}</blockquote>
              <Show when={l().state === 'open'} fallback={<p role="alert">{CLOSED[l().state as Exclude<ApprovalLinkDto['state'], 'open'>](l())}</p>}>
                <form onSubmit={confirm}>
                  <div class="field">
                    <label for="approval-comment">Comment (optional)</label>
                    <textarea id="approval-comment" rows={3} value={comment()} onInput={(e) => setComment(e.currentTarget.value)} />
                  </div>
                  <Show when={error()}>
                    <p class="error" role="alert">
                      {error()}
                    </p>
                  </Show>
                  <button type="submit" class={verb() === 'approve' ? 'primary' : 'danger'} disabled={busy()}>
                    {verb() === 'approve' ? 'Confirm approval' : 'Confirm rejection'}
                  </button>
                </form>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </main>
  );
}
