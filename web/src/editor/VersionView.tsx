import { createResource, createSignal, For, Show } from 'solid-js';
import { A, useNavigate, useParams } from '@solidjs/router';
import { summarizeAction, summarizeTrigger, type WorkflowAction } from '@conduit/core/definition';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import { confirmAction } from '../components/confirm';
import { fmtTime } from '../components/ui';
import { FlowDiagram, iconOf } from '../flow/FlowDiagram';
import { ChangeList } from '../compose/versions';
import { stepName } from './describe';

/** A step as the version has it: read-only, drawn like the builder's card. */
function ReadCard(props: { action: WorkflowAction }) {
  return (
    <div class="flow-card" data-testid={`version-step-${props.action.id}`}>
      <span class="flow-icon" aria-hidden="true">
        {iconOf(props.action.type)}
      </span>
      <span class="flow-text">
        <span class="flow-title">
          <strong>{stepName(props.action)}</strong>
        </span>
        <span class="flow-summary muted">{summarizeAction(props.action)}</span>
      </span>
    </div>
  );
}

/**
 * Route: one published version, read-only, in the builder's flow drawing; compared with the draft or
 * any other version; restorable into the draft (which publishes nothing).
 */
export default function VersionView() {
  const params = useParams<{ ws: string; id: string; version: string }>();
  const navigate = useNavigate();
  const n = () => Number(params.version);
  const [workflow] = createResource(
    () => [params.ws, params.id] as const,
    ([ws, id]) => api.workflows.get(ws, id),
  );
  const [version] = createResource(
    () => [params.ws, params.id, n()] as const,
    ([ws, id, v]) => api.workflows.version(ws, id, v),
  );
  const [versions] = createResource(
    () => [params.ws, params.id] as const,
    async ([ws, id]) => (await api.workflows.versions(ws, id)).items,
  );
  const [other, setOther] = createSignal('draft');
  const [diff] = createResource(
    () => [params.ws, params.id, n(), other()] as const,
    ([ws, id, v, o]) => api.workflows.diff(ws, id, String(v), o),
  );
  const [error, setError] = createSignal<string>();
  const editor = () => `/w/${params.ws}/settings/workflows/${params.id}`;
  const restore = async () => {
    const ok = await confirmAction({
      title: `Restore version ${n()} into the draft?`,
      message: 'The draft is replaced by this version. Nothing is published: what runs stays the same until you publish.',
      confirmLabel: 'Restore into the draft',
    });
    if (!ok) return;
    try {
      await api.workflows.restore(params.ws, params.id, n());
      navigate(editor());
    } catch (e) {
      setError(`Could not restore: ${errorText(e)}`);
    }
  };
  return (
    <section aria-labelledby="version-title" class="version-view">
      <A href={editor()} class="back">
        ← Back to the editor
      </A>
      <Show when={version.error || workflow.error}>
        <p class="error" role="alert">
          Could not load this version: {errorText(version.error ?? workflow.error)}
        </p>
      </Show>
      <Show when={version()}>
        {(v) => (
          <>
            <h1 id="version-title">
              Version {v().version} of “{v().name}”
            </h1>
            <p class="muted">
              Read-only · published {fmtTime(v().publishedAt)}
              {workflow()?.activeVersionId === v().id ? (workflow()?.isActive ? ' · live' : ' · published last (off)') : ''}
            </p>
            <div class="row wrap">
              <button type="button" onClick={restore}>
                Restore into the draft
              </button>
            </div>
            <Show when={error()}>
              <p class="error" role="alert">
                {error()}
              </p>
            </Show>
            <div class="flow-layout">
              <section class="flow" aria-label={`Steps of version ${v().version}`}>
                <div class="flow-card trigger-card">
                  <span class="flow-icon" aria-hidden="true">
                    ⚡
                  </span>
                  <span class="flow-text">
                    <span class="flow-title">
                      <strong>Trigger</strong>
                    </span>
                    <span class="flow-summary muted">{summarizeTrigger(v().trigger)}</span>
                  </span>
                </div>
                <FlowDiagram
                  actions={v().actions as unknown as WorkflowAction[]}
                  path={['actions']}
                  empty="No steps here."
                  card={(a) => <ReadCard action={a} />}
                  edge={() => <div class="flow-edge plain" aria-hidden="true" />}
                />
              </section>
              <aside class="editor-side">
                <section class="card" aria-labelledby="compare-title">
                  <h2 id="compare-title">Compare</h2>
                  <div class="field">
                    <label for="compare-with">Compare version {v().version} with</label>
                    <select id="compare-with" value={other()} onChange={(e) => setOther(e.currentTarget.value)}>
                      <option value="draft">the draft</option>
                      <For each={(versions() ?? []).filter((x) => x.version !== v().version)}>
                        {(x) => <option value={String(x.version)}>version {x.version}</option>}
                      </For>
                    </select>
                  </div>
                  <Show when={diff()} fallback={<p class="muted">{diff.error ? `Could not compare: ${errorText(diff.error)}` : 'Comparing…'}</p>}>
                    {(d) => (
                      <>
                        <p>
                          From {d().from.label} to {d().to.label}:
                        </p>
                        <ChangeList changes={d().changes} empty="No differences: they run the same steps." />
                      </>
                    )}
                  </Show>
                </section>
              </aside>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
