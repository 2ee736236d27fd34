import { createResource, createSignal, For, onCleanup, Show, createEffect } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import type { Execution } from '../api/schemas';
import { confirmAction } from '../components/confirm';
import { JsonView } from '../components/JsonView';
import { StatusBadge, fmtDuration, fmtTime } from '../components/ui';
import { actionLabel } from '@conduit/core/definition';
import { temporalUiUrl } from '../app/session';
import { FindStepFacts } from './FindStepFacts';
import { buildTimeline, type Iteration, type StepNode } from './timeline';
import { CallLinks } from '../compose/CallLinks';

const LIVE_MS = 800;
const unfinished = (s: string) => s === 'pending' || s === 'running';

function StepItem(props: { node: StepNode }) {
  const s = () => props.node.step;
  const label = () => actionLabel(s().actionType);
  return (
    <li class={`step s-${s().status}`} data-testid={`step-${s().actionId}`}>
      <details open={s().status === 'failed' || s().status === 'running'}>
        <summary>
          <StatusBadge status={s().status} /> <strong>{label()}</strong> <code>{s().actionId}</code>
          <span class="muted">
            {' '}
            · {fmtDuration(s().startedAt, s().completedAt)}
            {s().attempts > 1 ? ` · ${s().attempts} attempts` : ''}
          </span>
        </summary>
        <div class="step-body">
          <Show when={s().status === 'skipped'}>
            <p class="muted">Skipped: its branch was not taken.</p>
          </Show>
          <Show when={s().error}>
            <p class="error">{s().error}</p>
          </Show>
          <Show when={s().input !== undefined && s().input !== null}>
            <JsonView value={s().input} label="input" />
          </Show>
          <Show when={s().output !== undefined && s().output !== null}>
            <JsonView value={s().output} label="output" />
          </Show>
          <p class="muted small">
            Started {fmtTime(s().startedAt)} · finished {fmtTime(s().completedAt)} · attempts {s().attempts}
          </p>
        </div>
      </details>
      {/* Outside the fold: what a find looked for and how much it found is the step's gist. */}
      <FindStepFacts step={s()} />
      <Show when={s().actionType === 'for_each' && props.node.iterations.length > 0}>
        <Iterations loopId={s().actionId} iterations={props.node.iterations} />
      </Show>
      <Show when={props.node.then.length > 0 || props.node.else.length > 0 || s().actionType === 'condition'}>
        <div class="branches">
          <div class="branch then">
            <h4>Then</h4>
            <Timeline nodes={props.node.then} />
          </div>
          <div class="branch else">
            <h4>Else</h4>
            <Timeline nodes={props.node.else} />
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
function Iterations(props: { loopId: string; iterations: Iteration[] }) {
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
                <Timeline nodes={it.steps} />
              </details>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}

function Timeline(props: { nodes: StepNode[] }) {
  return (
    <Show when={props.nodes.length > 0} fallback={<p class="muted">No steps.</p>}>
      <ol class="timeline">
        <For each={props.nodes}>{(n) => <StepItem node={n} />}</For>
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
            <CallLinks ws={params.ws} executionId={r().id} status={r().status} steps={r().steps?.length ?? 0} />
            <dl class="facts">
              <dt>Status</dt>
              <dd data-testid="run-status">
                {r().status}
                {unfinished(r().status) ? ' (updating live)' : ''}
              </dd>
              <dt>Started</dt>
              <dd>{fmtTime(r().startedAt ?? r().createdAt)}</dd>
              <dt>Finished</dt>
              <dd>{fmtTime(r().completedAt)}</dd>
              <dt>Duration</dt>
              <dd>{fmtDuration(r().startedAt, r().completedAt)}</dd>
              <dt>Version</dt>
              <dd>
                <A href={`/w/${params.ws}/settings/workflows/${r().workflowId}`}>
                  {r().version ? `v${r().version}` : r().isTest ? 'draft (test run)' : (r().versionId?.slice(0, 8) ?? '—')}
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
                <Show when={temporalLink(r())} fallback={<span class="muted">not started yet</span>}>
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
            <Timeline nodes={buildTimeline(r().steps ?? [])} />
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
