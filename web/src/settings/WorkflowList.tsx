import { createMemo, createResource, createSignal, For, lazy, Show } from 'solid-js';
import { A, useNavigate, useParams } from '@solidjs/router';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import type { Execution, Workflow } from '../api/schemas';
import { confirmAction } from '../components/confirm';
import { Empty, ErrorText, StatusBadge, fmtTime } from '../components/ui';
import { summarizeTrigger } from '@conduit/core/definition';
import { downloadExport } from '../compose/export';
import type { Activated } from '../compose/versions';

// The list is the first screen after sign-in: what only a click opens (the dialogs, the editor's
// forms behind a new workflow's defaults) loads on that click, keeping the first load small.
const RunNowDialog = lazy(() => import('../compose/RunNowDialog').then((m) => ({ default: m.RunNowDialog })));
const ImportDialog = lazy(() => import('../compose/ImportDialog').then((m) => ({ default: m.ImportDialog })));
const TemplateGallery = lazy(() => import('../compose/TemplateGallery').then((m) => ({ default: m.TemplateGallery })));
const ChooseVersionDialog = lazy(() => import('../compose/versions').then((m) => ({ default: m.ChooseVersionDialog })));

const WEEK_MS = 7 * 86_400_000;

/** Runs of the last 7 days per workflow, when the list itself does not carry them. */
async function weekStats(ws: string) {
  const since = Date.now() - WEEK_MS;
  const runs: Execution[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 5; i++) {
    const page = await api.executions.list(ws, { from: new Date(since).toISOString(), limit: 200, cursor });
    runs.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor || page.items.some((r) => Date.parse(r.createdAt) < since)) break;
  }
  const byWf = new Map<string, { count: number; last?: Execution }>();
  for (const r of runs) {
    if (Date.parse(r.createdAt) < since) continue;
    const s = byWf.get(r.workflowId) ?? { count: 0 };
    s.count++;
    if (!s.last || Date.parse(r.createdAt) > Date.parse(s.last.createdAt)) s.last = r;
    byWf.set(r.workflowId, s);
  }
  return byWf;
}

export function WorkflowList() {
  const params = useParams<{ ws: string }>();
  const navigate = useNavigate();
  const [list, { refetch, mutate }] = createResource(
    () => params.ws,
    (ws) => api.workflows.list(ws),
  );
  const [stats] = createResource(
    () => params.ws,
    (ws) => weekStats(ws).catch(() => new Map<string, { count: number; last?: Execution }>()),
  );
  const [error, setError] = createSignal<string>();
  const [rowError, setRowError] = createSignal<{ id: string; message: string; ok?: boolean }>();
  const [busy, setBusy] = createSignal(false);
  const items = createMemo(() => list()?.items ?? []);
  const [running, setRunning] = createSignal<Workflow>();
  const [dialog, setDialog] = createSignal<'import' | 'templates'>();
  /** Run now: an active workflow whose trigger starts manually and is not on records (those run from Records). */
  const runnable = (wf: Workflow) => wf.isActive && wf.trigger.type === 'manual' && !(wf.trigger as { object?: string }).object;
  const exportIt = async (wf: Workflow) => {
    setRowError(undefined);
    try {
      await downloadExport(params.ws, wf.id);
    } catch (e) {
      setRowError({ id: wf.id, message: `Could not export: ${errorText(e)}` });
    }
  };

  const create = async () => {
    setError(undefined);
    setBusy(true);
    try {
      const { newWorkflowDefinition } = await import('../editor/defaults');
      const wf = await api.workflows.create(params.ws, newWorkflowDefinition());
      navigate(`/w/${params.ws}/settings/workflows/${wf.id}`);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const duplicate = async (wf: Workflow) => {
    setRowError(undefined);
    try {
      await api.workflows.create(params.ws, {
        name: `Copy of ${wf.name}`.slice(0, 200),
        description: wf.description ?? null,
        trigger: wf.trigger as never,
        actions: wf.actions as never,
      });
      await refetch();
    } catch (e) {
      setRowError({ id: wf.id, message: errorText(e) });
    }
  };

  const remove = async (wf: Workflow) => {
    const ok = await confirmAction({
      title: `Delete "${wf.name}"?`,
      message: 'The workflow, its versions and its run history are deleted. This cannot be undone.',
      confirmLabel: 'Delete workflow',
      danger: true,
    });
    if (!ok) return;
    setRowError(undefined);
    try {
      await api.workflows.remove(params.ws, wf.id);
      await refetch();
    } catch (e) {
      setRowError({ id: wf.id, message: errorText(e) });
    }
  };

  /** A workflow with unpublished changes being turned on: which version runs is asked first. */
  const [choosing, setChoosing] = createSignal<Workflow>();
  const turnedOn = (wf: Workflow, r: Activated) => {
    // A webhook secret generated on first publish is returned once: show it now.
    if (r.secret) setRowError({ id: wf.id, ok: true, message: `Webhook secret (shown once, store it now): ${r.secret}` });
    else setRowError({ id: wf.id, ok: true, message: r.message });
    mutate((l) => l && { ...l, items: l.items.map((w) => (w.id === wf.id ? { ...w, ...r.workflow, lastRun: w.lastRun } : w)) });
    // The row is drawn anew: focus goes back to its switch, not to the page.
    setTimeout(() => document.querySelector<HTMLElement>(`input[role="switch"][aria-label="${CSS.escape(`Active: ${wf.name}`)}"]`)?.focus(), 0);
  };
  const toggle = async (wf: Workflow, on: boolean, input: HTMLInputElement) => {
    setRowError(undefined);
    try {
      if (on) {
        // The switch stays off until a version really runs (the dialog may be cancelled).
        input.checked = false;
        const { turnOn } = await import('../compose/versions');
        const r = await turnOn(params.ws, wf, setChoosing);
        if (r) turnedOn(wf, r);
        return;
      }
      await api.workflows.deactivate(params.ws, wf.id);
      mutate((l) => l && { ...l, items: l.items.map((w) => (w.id === wf.id ? { ...w, isActive: on } : w)) });
    } catch (e) {
      setRowError({ id: wf.id, message: `Could not ${on ? 'activate' : 'deactivate'}: ${errorText(e)}` });
      await refetch();
    }
  };

  const lastRun = (wf: Workflow) => {
    const s = stats()?.get(wf.id)?.last;
    return s ? { status: s.status, at: s.createdAt } : undefined;
  };
  const weekCount = (wf: Workflow) => stats()?.get(wf.id)?.count ?? 0;

  return (
    <section aria-labelledby="wf-title">
      <div class="row between">
        <h1 id="wf-title">Workflows</h1>
        <div class="row wrap">
          <button type="button" onClick={() => setDialog('import')}>
            Import
          </button>
          <button type="button" onClick={() => setDialog('templates')}>
            New from template
          </button>
          <button type="button" class="primary" onClick={create} disabled={busy()}>
            New workflow
          </button>
        </div>
      </div>
      <Show when={choosing()}>
        {(wf) => (
          <ChooseVersionDialog
            ws={params.ws}
            workflow={wf()}
            onDone={(r) => {
              // Read before closing: the dialog's accessor is stale once it is hidden.
              const asked = wf();
              setChoosing(undefined);
              if (r) turnedOn(asked, r);
            }}
          />
        )}
      </Show>
      <Show when={running()}>{(wf) => <RunNowDialog ws={params.ws} workflow={wf()} onClose={() => setRunning(undefined)} />}</Show>
      <Show when={dialog() === 'import'}>
        <ImportDialog ws={params.ws} onClose={() => setDialog(undefined)} onImported={() => void refetch()} />
      </Show>
      <Show when={dialog() === 'templates'}>
        <TemplateGallery ws={params.ws} onClose={() => setDialog(undefined)} onCreated={(id) => navigate(`/w/${params.ws}/settings/workflows/${id}`)} />
      </Show>
      <ErrorText message={error()} />
      <Show when={list.error}>
        <p class="error" role="alert">
          Could not load workflows: {errorText(list.error)}
        </p>
      </Show>
      <Show when={list() && items().length === 0}>
        <Empty>
          <p>
            No workflows yet. Create one with <strong>New workflow</strong> (pick a trigger: a schedule, a webhook, a record change or Manual, then add the
            actions to run), start from a ready-made one with <strong>New from template</strong>, or <strong>Import</strong> an exported file.
          </p>
        </Empty>
      </Show>
      <Show when={items().length > 0}>
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Trigger</th>
                <th>Active</th>
                <th>Last run</th>
                <th>Runs (7 days)</th>
                <th>
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={items()}>
                {(wf) => (
                  <>
                    <tr>
                      <td>
                        <A href={`/w/${params.ws}/settings/workflows/${wf.id}`}>{wf.name}</A>
                        <Show when={wf.unpublishedChanges}>
                          {' '}
                          <span class="badge">Unpublished changes</span>
                        </Show>
                      </td>
                      <td>{summarizeTrigger(wf.trigger)}</td>
                      <td>
                        <label class="switch">
                          <input
                            type="checkbox"
                            // biome-ignore lint/a11y/useAriaPropsForRole: a native checkbox exposes its checked state; ARIA in HTML says not to add aria-checked to it
                            role="switch"
                            checked={wf.isActive}
                            aria-label={`Active: ${wf.name}`}
                            onChange={(e) => toggle(wf, e.currentTarget.checked, e.currentTarget)}
                          />
                          <span>{wf.isActive ? 'On' : 'Off'}</span>
                        </label>
                      </td>
                      <td>
                        <Show when={lastRun(wf)} fallback={<span class="muted">Never run</span>}>
                          {(r) => (
                            <>
                              <StatusBadge status={r().status} /> <span class="muted">{fmtTime(r().at)}</span>
                            </>
                          )}
                        </Show>
                      </td>
                      <td>
                        <A href={`/w/${params.ws}/settings/runs?workflowId=${wf.id}`}>{weekCount(wf)}</A>
                      </td>
                      <td class="row">
                        <Show when={runnable(wf)}>
                          <button type="button" onClick={() => setRunning(wf)} aria-label={`Run now: ${wf.name}`}>
                            Run now
                          </button>
                        </Show>
                        <button type="button" onClick={() => exportIt(wf)} aria-label={`Export ${wf.name}`}>
                          Export
                        </button>
                        <button type="button" onClick={() => duplicate(wf)} aria-label={`Duplicate ${wf.name}`}>
                          Duplicate
                        </button>
                        <button type="button" class="danger" onClick={() => remove(wf)} aria-label={`Delete ${wf.name}`}>
                          Delete
                        </button>
                      </td>
                    </tr>
                    <Show when={rowError()?.id === wf.id}>
                      <tr>
                        <td colspan="6">
                          <p class={rowError()?.ok ? 'ok' : 'error'} role={rowError()?.ok ? 'status' : 'alert'}>
                            {rowError()?.message}
                          </p>
                        </td>
                      </tr>
                    </Show>
                  </>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
