import { createResource, createSignal, For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import type { Version } from '../api/schemas';
import { confirmAction } from '../components/confirm';
import { fmtTime } from '../components/ui';
import { useEditor } from './context';
import { session } from '../app/session';
import type { Draft } from './draft';

/** The publisher in words: the API gives a user id (or an object); the signed-in user is named. */
const who = (v: Version) => {
  const me = session.me()?.user;
  if (!v.publishedBy) return 'someone';
  return me && v.publishedBy === me.id ? me.email : `user ${v.publishedBy.slice(0, 8)}`;
};

/** Published versions, newest first; any of them can be restored into the draft. */
export function VersionsPanel(props: { tick: number; activeVersionId?: string | undefined; onRestore: (d: Draft) => void }) {
  const { workspaceId, workflow, store } = useEditor();
  const [versions] = createResource(
    () => [workflow()?.id, props.tick] as const,
    async ([id]) => (id ? (await api.workflows.versions(workspaceId, id)).items.sort((a, b) => b.version - a.version) : []),
  );
  const [msg, setMsg] = createSignal<string>();
  const restore = async (v: Version) => {
    const ok = await confirmAction({
      title: `Restore version ${v.version} into the draft?`,
      message: 'The current draft is replaced by this version. Nothing is published: what runs stays the same until you publish.',
      confirmLabel: 'Restore',
    });
    if (!ok) return;
    // Sound: a version's trigger and actions were validated when it was published; the API types them loosely.
    props.onRestore({ name: v.name, description: store.draft.description ?? null, trigger: v.trigger, actions: v.actions } as unknown as Draft);
    setMsg(`Version ${v.version} restored into the draft (not published). Publish to make it live.`);
  };
  return (
    <section class="card" aria-labelledby="versions-title">
      <h3 id="versions-title">Versions</h3>
      <Show when={versions.error}>
        <p class="error" role="alert">
          Could not load versions: {errorText(versions.error)}
        </p>
      </Show>
      <Show when={versions() && versions()!.length === 0}>
        <p class="muted">
          Nothing published yet. Press <strong>Publish</strong> to make the first version and activate the workflow.
        </p>
      </Show>
      <ul class="versions">
        <For each={versions()}>
          {(v) => (
            <li>
              <div>
                <strong>v{v.version}</strong> {v.id === props.activeVersionId ? <span class="badge s-completed">live</span> : null}
                <br />
                <span class="muted">
                  {who(v)} · {fmtTime(v.publishedAt)}
                </span>
              </div>
              <div class="row">
                <A href={`/w/${workspaceId}/settings/workflows/${v.workflowId}/versions/${v.version}`} aria-label={`View version ${v.version}`}>
                  View
                </A>
                <button type="button" onClick={() => restore(v)} aria-label={`Restore version ${v.version}`}>
                  Restore
                </button>
              </div>
            </li>
          )}
        </For>
      </ul>
      <Show when={msg()}>
        <p class="ok" role="status">
          {msg()}
        </p>
      </Show>
    </section>
  );
}
