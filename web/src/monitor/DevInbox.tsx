import { createResource, For, Show } from 'solid-js';
import { useParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { Empty, fmtTime } from '../components/ui';

/** Mail that Send email actions produced while no SMTP server is configured (the local stack's default). */
export default function DevInbox() {
  const params = useParams<{ ws: string }>();
  const [mail, { refetch }] = createResource(
    () => params.ws,
    (ws) => api.devMail(ws),
  );
  return (
    <section aria-labelledby="inbox-title">
      <div class="row between">
        <h1 id="inbox-title">Dev inbox</h1>
        <button type="button" onClick={() => void refetch()}>
          Refresh
        </button>
      </div>
      <p class="muted">Locally, sent email is kept here instead of being delivered. Set SMTP_URL to deliver it.</p>
      <Show when={mail.error}>
        <p class="error" role="alert">
          Could not load the dev inbox: {errorText(mail.error)}
        </p>
      </Show>
      <Show when={mail() && mail()!.items.length === 0}>
        <Empty>
          <p>
            No mail yet. Add a <strong>Send email</strong> action to a workflow and run it.
          </p>
        </Empty>
      </Show>
      <ul class="events">
        <For each={mail()?.items}>
          {(m) => (
            <li class="card">
              <p>
                <strong>{m.subject}</strong>{' '}
                <span class="muted">
                  to {m.to.join(', ')} · {fmtTime(m.createdAt)}
                </span>
              </p>
              <Show when={m.text}>
                <pre class="mail-text">{m.text}</pre>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
