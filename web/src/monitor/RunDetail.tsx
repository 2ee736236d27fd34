import { createResource, createSignal, For, onCleanup, Show, createEffect } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import type { Execution, Step } from '../api/schemas';
import { FlowDiagram, iconOf } from '../flow/FlowDiagram';
import { stepName } from '../editor/describe';
import { confirmAction } from '../components/confirm';
import { JsonView } from '../components/JsonView';
import { StatusBadge, fmtDuration, fmtTime } from '../components/ui';
import { actionLabel, walkActions, type WorkflowAction } from '@conduit/core/definition';
import { conditionSentences } from '../app/words';
import { temporalUiUrl } from '../app/session';
import { FindStepFacts } from './FindStepFacts';
import { buildTimeline, type Iteration, type StepNode } from './timeline';
import { CallLinks } from '../compose/CallLinks';
import { DryNote, wouldHave } from './DryNote';

const LIVE_MS = 800;
const unfinished = (s: string) => s === 'queued' || s === 'pending' || s === 'running';

/** Step labels a person gave, by action id, from the version the run ran (or the draft, for a test run). */
type Names = Map<string, string>;

function StepItem(props: { node: StepNode; names: Names }) {
  const s = () => props.node.step;
  const typeLabel = () => actionLabel(s().actionType);
  const label = () => props.names.get(s().actionId) || typeLabel();
  const sentences = () => (s().actionType === 'condition' ? conditionSentences(s().input, s().output) : []);
  return (
    <li class={`step s-${s().status}${wouldHave(s()) ? ' dry' : ''}`} data-testid={`step-${s().actionId}`}>
      <details open={s().status === 'failed' || s().status === 'running'}>
        <summary>
          <StatusBadge status={s().status} /> <strong>{label()}</strong>
          <Show when={label() !== typeLabel()}>
            <span class="muted"> · {typeLabel()}</span>
          </Show>
          <Show when={wouldHave(s())}>{(w) => <span class="dry-tag"> · {w()}</span>}</Show>
          <span class="muted">
            {' '}
            · {fmtDuration(s().startedAt, s().completedAt)}
            {s().attempts > 1 ? ` · ${s().attempts} attempts` : ''}
          </span>
        </summary>
        <div class="step-body">
          <DryNote step={s()} />
          <Show when={s().status === 'skipped'}>
            <p class="muted">Skipped: its branch was not taken.</p>
          </Show>
          <Show when={s().error}>
            <p class="error">{s().error}</p>
          </Show>
          <Show
            when={sentences().length > 0}
            fallback={
              <>
                <Show when={s().input !== undefined && s().input !== null}>
                  <JsonView value={s().input} label="input" />
                </Show>
                <Show when={s().output !== undefined && s().output !== null}>
                  <JsonView value={s().output} label="output" />
                </Show>
              </>
            }>
            <ul class="condition-sentences" data-testid={`condition-${s().actionId}`}>
              <For each={sentences()}>{(c) => <li class={c.result ? 'ok' : 'muted'}>{c.text}</li>}</For>
            </ul>
            <p>
              Took the <strong>{(s().output as { branch?: string } | null)?.branch === 'then' ? 'Then' : 'Else'}</strong> branch.
            </p>
          </Show>
          <p class="muted small">
            Started {fmtTime(s().startedAt)} · finished {fmtTime(s().completedAt)} · attempts {s().attempts}
          </p>
        </div>
      </details>
      {/* Outside the fold: what a find looked for and how much it found is the step's gist. */}
      <FindStepFacts step={s()} />
      <Show when={s().actionType === 'for_each' && props.node.iterations.length > 0}>
        <Iterations loopId={s().actionId} iterations={props.node.iterations} names={props.names} />
      </Show>
      <Show when={props.node.then.length > 0 || props.node.else.length > 0 || s().actionType === 'condition'}>
        <div class="branches">
          <div class="branch then">
            <h4>Then</h4>
            <Timeline nodes={props.node.then} names={props.names} />
          </div>
          <div class="branch else">
            <h4>Else</h4>
            <Timeline nodes={props.node.else} names={props.names} />
          </div>
        </div>
      </Show>
    </li>
  );
}

const ITERATIONS_PER_PAGE = 20;

/** How one iteration went: failed or cancelled if a step did, running while one is, else completed. */
function iterationStatus(it: Iteration): string {
  const all: string[] = [];
  const visit = (ns: StepNode[]) => {
    for (const n of ns) {
      all.push(n.step.status);
      visit(n.then);
      visit(n.else);
      for (const i of n.iterations) visit(i.steps);
    }
  };
  visit(it.steps);
  for (const s of ['failed', 'cancelled', 'running', 'pending']) if (all.includes(s)) return s;
  return 'completed';
}

/** A loop's iterations, a page at a time, each with its own steps. */
function Iterations(props: { loopId: string; iterations: Iteration[]; names: Names }) {
  const [page, setPage] = createSignal(0);
  const pages = () => Math.max(1, Math.ceil(props.iterations.length / ITERATIONS_PER_PAGE));
  const shown = () => props.iterations.slice(page() * ITERATIONS_PER_PAGE, (page() + 1) * ITERATIONS_PER_PAGE);
  const first = () => page() * ITERATIONS_PER_PAGE + 1;
  const last = () => Math.min(props.iterations.length, (page() + 1) * ITERATIONS_PER_PAGE);
  return (
    <section class="iterations" aria-label={`Items of loop ${props.loopId}`}>
      <div class="row between wrap">
        <h4>
          Items {first()}–{last()} of {props.iterations.length}
        </h4>
        <Show when={pages() > 1}>
          <div class="row">
            <button type="button" disabled={page() === 0} onClick={() => setPage(page() - 1)}>
              Previous items
            </button>
            <span class="muted">
              Page {page() + 1} of {pages()}
            </span>
            <button type="button" disabled={page() >= pages() - 1} onClick={() => setPage(page() + 1)}>
              Next items
            </button>
          </div>
        </Show>
      </div>
      <ol class="iteration-list">
        <For each={shown()}>
          {(it) => (
            <li class="iteration" data-testid={`iteration-${props.loopId}-${it.index}`}>
              <details open={iterationStatus(it) === 'failed'}>
                <summary>
                  <StatusBadge status={iterationStatus(it)} /> Item {it.index + 1}
                </summary>
                <Timeline nodes={it.steps} names={props.names} />
              </details>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}

/**
 * A step of the drawing coloured by its result, with its duration; a step the run never reached (a
 * branch not taken) is greyed. Selecting it opens its details (input, output, error, attempts) in the list.
 */
function RunCard(props: { action: WorkflowAction; step: Step | undefined; runOpen: boolean }) {
  const status = () => props.step?.status ?? 'not-run';
  const open = () => {
    const item = document.querySelector<HTMLElement>(`[data-testid="step-${CSS.escape(props.action.id)}"]`);
    const details = item?.querySelector('details');
    if (details) details.open = true;
    item?.scrollIntoView({ block: 'center' });
    item?.querySelector<HTMLElement>('summary')?.focus();
  };
  return (
    <button type="button" class={`flow-card r-${status()}`} onClick={open} disabled={!props.step}>
      <span class="flow-icon" aria-hidden="true">
        {iconOf(props.action.type)}
      </span>
      <span class="flow-text">
        <span class="flow-title">
          <strong>{stepName(props.action)}</strong>
        </span>
        <span class="flow-summary muted">
          {props.step ? `${props.step.status} · ${fmtDuration(props.step.startedAt, props.step.completedAt)}` : props.runOpen ? 'not run yet' : 'not run'}
        </span>
      </span>
    </button>
  );
}

function Timeline(props: { nodes: StepNode[]; names: Names }) {
  return (
    <Show when={props.nodes.length > 0} fallback={<p class="muted">No steps.</p>}>
      <ol class="timeline">
        <For each={props.nodes}>{(n) => <StepItem node={n} names={props.names} />}</For>
      </ol>
    </Show>
  );
}

export default function RunDetail() {
  const params = useParams<{ ws: string; id: string }>();
  const [run, { refetch, mutate }] = createResource(
    () => [params.ws, params.id] as const,
    ([ws, id]) => api.executions.get(ws, id),
  );
  const [result, setResult] = createSignal<{ ok: boolean; text: string; link?: string }>();
  const [workflow] = createResource(
    () => run()?.workflowId,
    (id) => api.workflows.get(params.ws, id).catch(() => undefined),
  );
  // The labels of the version the run ran; a test run (no version) ran the draft.
  const [version] = createResource(
    () => run()?.versionId ?? undefined,
    async (vid) => (await api.workflows.versions(params.ws, run()!.workflowId).catch(() => ({ items: [] }))).items.find((v) => v.id === vid),
  );
  /** The definition the run ran, drawn as the builder draws it. */
  const definition = (): WorkflowAction[] => (version()?.actions ?? (run()?.isTest ? workflow()?.actions : undefined) ?? []) as WorkflowAction[];
  const names = (): Names => {
    const out: Names = new Map();
    const actions = (version()?.actions ?? workflow()?.actions ?? []) as WorkflowAction[];
    walkActions(actions, (a) => a.name?.trim() && out.set(a.id, a.name.trim()));
    return out;
  };

  // Live: poll while the run is unfinished (at most once every 800 ms).
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(() => {
    const r = run();
    clearTimeout(timer);
    if (r && unfinished(r.status)) {
      timer = setTimeout(async () => {
        try {
          mutate(await api.executions.get(params.ws, params.id));
        } catch {
          void refetch();
        }
      }, LIVE_MS);
    }
  });
  onCleanup(() => clearTimeout(timer));

  const cancel = async (r: Execution) => {
    if (
      !(await confirmAction({
        title: 'Cancel this run?',
        message: 'Steps already done stay done; the rest will not run.',
        confirmLabel: 'Cancel run',
        danger: true,
      }))
    )
      return;
    try {
      await api.executions.cancel(params.ws, r.id);
      setResult({ ok: true, text: 'Cancellation requested. The run stops at its next step boundary.' });
      mutate(await api.executions.get(params.ws, r.id));
    } catch (e) {
      setResult({ ok: false, text: `Could not cancel: ${errorText(e)}` });
    }
  };
  const retry = async (r: Execution) => {
    if (
      !(await confirmAction({
        title: 'Retry this run?',
        message: 'A new run starts with the same trigger payload and the same workflow version.',
        confirmLabel: 'Retry run',
      }))
    )
      return;
    try {
      const res = await api.executions.retry(params.ws, r.id);
      const id = res && typeof res === 'object' && 'id' in res && typeof res.id === 'string' ? res.id : undefined;
      setResult({ ok: true, text: 'Retry started.', ...(id ? { link: `/w/${params.ws}/settings/runs/${id}` } : {}) });
      void refetch();
    } catch (e) {
      setResult({ ok: false, text: `Could not retry: ${errorText(e)}` });
    }
  };

  const temporalLink = (r: Execution) =>
    r.temporalWorkflowId ? `${temporalUiUrl()}/namespaces/default/workflows/${encodeURIComponent(r.temporalWorkflowId)}` : undefined;

  return (
    <section aria-labelledby="run-title">
      <A href={`/w/${params.ws}/settings/runs`} class="back">
        ← Workflow runs
      </A>
      <Show when={run.error}>
        <p class="error" role="alert">
          Could not load this run: {errorText(run.error)}
        </p>
      </Show>
      <Show when={run()}>
        {(r) => (
          <>
            <div class="row between wrap">
              <h1 id="run-title">
                Run of <A href={`/w/${params.ws}/settings/workflows/${r().workflowId}`}>{r().workflowName ?? workflow()?.name ?? 'workflow'}</A>{' '}
                <StatusBadge status={r().status} />
              </h1>
              <div class="row">
                <Show when={unfinished(r().status)}>
                  <button type="button" class="danger" onClick={() => cancel(r())}>
                    Cancel run
                  </button>
                </Show>
                <Show when={r().status === 'failed' || r().status === 'cancelled'}>
                  <button type="button" class="primary" onClick={() => retry(r())}>
                    Retry run
                  </button>
                </Show>
              </div>
            </div>
            <Show when={result()}>
              {(m) => (
                <p class={m().ok ? 'ok' : 'error'} role={m().ok ? 'status' : 'alert'}>
                  {m().text}{' '}
                  <Show when={m().link}>
                    <A href={m().link!}>Open the new run</A>
                  </Show>
                </p>
              )}
            </Show>
            <Show when={r().status === 'queued'}>
              <p class="dry-note" data-testid="run-queued">
                <strong>Queued:</strong> this workspace is running as many runs at once as its limit allows. This run starts as soon as one of them ends (
                <A href={`/w/${params.ws}/settings/usage`}>Usage</A> shows the limit).
              </p>
            </Show>
            <Show when={r().dryRun}>
              <p class="dry-note" data-testid="run-dry">
                <strong>Dry test run:</strong> emails, webhooks, record changes and approvals were not done. Each such step says what it would have done, with
                the input it would have used.
              </p>
            </Show>
            <CallLinks ws={params.ws} executionId={r().id} status={r().status} steps={r().steps?.length ?? 0} />
            <dl class="facts">
              <dt>Status</dt>
              <dd data-testid="run-status">
                {r().status}
                {unfinished(r().status) ? ' (updating live)' : ''}
              </dd>
              <dt>{r().status === 'queued' ? 'Waiting since' : 'Started'}</dt>
              <dd>{fmtTime(r().startedAt ?? r().createdAt)}</dd>
              <dt>Finished</dt>
              <dd>{fmtTime(r().completedAt)}</dd>
              <dt>Duration</dt>
              <dd>{fmtDuration(r().startedAt, r().completedAt)}</dd>
              <dt>Version</dt>
              <dd>
                <A href={`/w/${params.ws}/settings/workflows/${r().workflowId}`}>
                  {r().version ? `v${r().version}` : r().isTest ? `draft (${r().dryRun ? 'dry' : 'live'} test run)` : (r().versionId?.slice(0, 8) ?? '—')}
                </A>
              </dd>
              <Show when={r().recordId}>
                <dt>Record</dt>
                <dd>
                  <code>{r().recordId}</code>
                </dd>
              </Show>
              <Show when={r().retryOf}>
                <dt>Retry of</dt>
                <dd>
                  <A href={`/w/${params.ws}/settings/runs/${r().retryOf}`}>{r().retryOf!.slice(0, 8)}</A>
                </dd>
              </Show>
              <dt>Temporal</dt>
              <dd>
                <Show when={r().status !== 'queued' && temporalLink(r())} fallback={<span class="muted">not started yet</span>}>
                  <a href={temporalLink(r())} target="_blank" rel="noopener noreferrer">
                    Open in Temporal UI
                  </a>
                </Show>
              </dd>
            </dl>
            <Show when={r().error}>
              <p class="error">Error: {r().error}</p>
            </Show>
            <h2>Steps</h2>
            <div class="run-flow-layout">
              <Show when={definition().length > 0} fallback={<span />}>
                <section class="flow" aria-label="Where the run went">
                  <FlowDiagram
                    actions={definition()}
                    path={['actions']}
                    card={(a) => <RunCard action={a} step={(r().steps ?? []).find((x) => x.actionId === a.id)} runOpen={unfinished(r().status)} />}
                    edge={() => <div class="flow-edge plain" aria-hidden="true" />}
                  />
                </section>
              </Show>
              <div>
                <Timeline nodes={buildTimeline(r().steps ?? [])} names={names()} />
              </div>
            </div>
            <h2>Trigger payload</h2>
            <JsonView value={r().input ?? null} label="trigger" />
            <Show when={r().output !== undefined && r().output !== null}>
              <h2>Output</h2>
              <JsonView value={r().output} label="output" />
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
