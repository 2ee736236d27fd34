import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { keys, LIVE_MS, liveQuery, refreshNow } from '../api/live';
import { A, useNavigate, useParams } from '@solidjs/router';
import type { Json } from '@conduit/core/definition';
import { api } from '../api/endpoints';
import { errorText } from '../api/client';
import type { RecordRow } from '../api/schemas';
import { confirmAction } from '../components/confirm';
import { Empty } from '../components/ui';
import { showLoose } from '../app/loose';
import { RecordForm } from './RecordForm';
import { composeApi, type ManualWorkflow } from '../api/compose';
import { RunWorkflowMenu } from '../compose/RunWorkflowMenu';

const NEW_OBJECT = '\u0000new';

/** A minimal records view, so record triggers can be exercised by hand. It follows changes runs make. */
export default function Records() {
  const params = useParams<{ ws: string; object?: string }>();
  const navigate = useNavigate();
  const object = () => params.object || 'deal';
  const [newObject, setNewObject] = createSignal<string>();
  // The workspace's objects (those with records), and the one shown even before it has any.
  const objects = liveQuery(() => ({ queryKey: keys.objects(params.ws), queryFn: () => api.objects.list(params.ws), refetchInterval: LIVE_MS.objects }));
  const objectNames = () => [...new Set([...(objects.data?.items ?? []), object()])].sort();
  const pick = (o: string) => {
    if (o === NEW_OBJECT) return setNewObject('');
    setNewObject(undefined);
    navigate(`/w/${params.ws}/records/${o}`);
  };
  // Polled, so a record a run created, changed or deleted shows without reload.
  const list = liveQuery(() => ({
    queryKey: keys.records(params.ws, object()),
    queryFn: () => api.records.list(params.ws, object(), { limit: 100 }),
    refetchInterval: LIVE_MS.records,
  }));
  const refetch = () => Promise.all([refreshNow(keys.records(params.ws, object())), refreshNow(keys.objects(params.ws))]);
  const [editing, setEditing] = createSignal<RecordRow | 'new'>();
  const [formError, setFormError] = createSignal<string>();
  const [msg, setMsg] = createSignal<{ ok: boolean; text: string; runId?: string }>();
  // The active manual workflows that run on this object's records (a member sees those open to members).
  const [manual] = createResource(
    () => [params.ws, object()] as const,
    ([ws, o]) =>
      composeApi
        .manualWorkflows(ws, o)
        .then((p) => p.items)
        .catch(() => [] as ManualWorkflow[]),
  );
  const runOn = async (w: ManualWorkflow, r: RecordRow) => {
    try {
      const ex = await composeApi.run(params.ws, w.id, { recordId: r.id });
      setMsg({ ok: true, text: `Started "${w.name}" on this ${object()}.`, runId: ex.id });
    } catch (e) {
      setMsg({ ok: false, text: `Could not run "${w.name}": ${errorText(e)}` });
    }
  };
  const items = () => list.data?.items ?? [];
  // Rows are keyed by record id, not by the fetched object: a refresh that changes a record (a run
  // just tagged it) updates its cells in place instead of replacing the row, so focus stays put.
  const byId = createMemo(() => new Map(items().map((r) => [r.id, r])));
  const ids = createMemo(() => items().map((r) => r.id), undefined, { equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]) });
  const columns = createMemo(() => {
    const keys = new Set<string>();
    for (const r of items()) for (const k of Object.keys(r.data)) keys.add(k);
    return [...keys].slice(0, 8);
  });

  const save = async (data: Record<string, Json>) => {
    setFormError(undefined);
    const target = editing();
    try {
      if (target === 'new') await api.records.create(params.ws, object(), data);
      else if (target) await api.records.update(params.ws, object(), target.id, data);
      setEditing(undefined);
      setMsg({ ok: true, text: target === 'new' ? `Created a ${object()}.` : `Saved the ${object()}. Matching workflows run now: see Workflow runs.` });
      await refetch();
    } catch (e) {
      setFormError(errorText(e));
    }
  };
  const remove = async (r: RecordRow) => {
    if (
      !(await confirmAction({ title: `Delete this ${object()}?`, message: 'Workflows triggered by deletes will run.', confirmLabel: 'Delete', danger: true }))
    )
      return;
    try {
      await api.records.remove(params.ws, object(), r.id);
      setMsg({ ok: true, text: `Deleted the ${object()}.` });
      await refetch();
    } catch (e) {
      setMsg({ ok: false, text: `Could not delete: ${errorText(e)}` });
    }
  };

  return (
    <section aria-labelledby="records-title">
      <div class="row between wrap">
        <h1 id="records-title">Records: {object()}</h1>
        <div class="row wrap">
          <label for="rec-object">Object</label>
          <select id="rec-object" value={newObject() === undefined ? object() : NEW_OBJECT} onChange={(e) => pick(e.currentTarget.value)}>
            <For each={objectNames()}>{(o) => <option value={o}>{o}</option>}</For>
            <option value={NEW_OBJECT}>New object…</option>
          </select>
          <Show when={newObject() !== undefined}>
            <form
              class="row"
              onSubmit={(e) => {
                e.preventDefault();
                const o = (newObject() ?? '').trim().toLowerCase();
                if (o) pick(o);
              }}>
              <label for="rec-new-object" class="sr-only">
                New object name
              </label>
              <input
                id="rec-new-object"
                ref={(el) => queueMicrotask(() => el.focus())}
                placeholder="for example invoice"
                value={newObject() ?? ''}
                onInput={(e) => setNewObject(e.currentTarget.value)}
              />
              <button type="submit">Show</button>
            </form>
          </Show>
        </div>
      </div>
      <div class="row">
        <button
          type="button"
          class="primary"
          onClick={() => {
            setFormError(undefined);
            setEditing('new');
          }}>
          New {object()}
        </button>
      </div>
      <Show when={msg()}>
        {(m) => (
          <p class={m().ok ? 'ok' : 'error'} role="status">
            {m().text} <Show when={m().runId}>{(id) => <A href={`/w/${params.ws}/settings/runs/${id()}`}>Open the run</A>}</Show>
          </p>
        )}
      </Show>
      <Show when={editing()}>
        {(t) => (
          <RecordForm
            title={t() === 'new' ? `New ${object()}` : `Edit ${object()}`}
            initial={t() === 'new' ? {} : ((t() as RecordRow).data as Record<string, Json>)}
            suggested={columns()}
            submitLabel={t() === 'new' ? 'Create' : 'Save'}
            error={formError()}
            onSubmit={save}
            onCancel={() => setEditing(undefined)}
          />
        )}
      </Show>
      <Show when={list.error}>
        <p class="error" role="alert">
          Could not load records: {errorText(list.error)}
        </p>
      </Show>
      <Show when={list.isSuccess && items().length === 0}>
        <Empty>
          <p>
            No {object()} records yet. Press <strong>New {object()}</strong> to create one; record triggers fire on create, update and delete.
          </p>
        </Empty>
      </Show>
      <Show when={items().length > 0}>
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th>Id</th>
                <For each={columns()}>{(c) => <th>{c}</th>}</For>
                <th>
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={ids()}>
                {(id) => {
                  // The last known row, for the moment between a delete and the row's removal.
                  let last = byId().get(id)!;
                  const r = () => {
                    last = byId().get(id) ?? last;
                    return last;
                  };
                  return (
                    <tr>
                      <td>
                        <code>{id.slice(0, 8)}</code>
                      </td>
                      <For each={columns()}>{(c) => <td>{showLoose(r().data[c] as Json | undefined)}</td>}</For>
                      <td class="row">
                        <Show when={(manual() ?? []).length > 0}>
                          <RunWorkflowMenu label={`Run workflow on ${String(r().data.name ?? id)}`} workflows={manual() ?? []} onRun={(w) => runOn(w, r())} />
                        </Show>
                        <button
                          type="button"
                          onClick={() => {
                            setFormError(undefined);
                            setEditing(r());
                          }}
                          aria-label={`Edit ${String(r().data.name ?? id)}`}>
                          Edit
                        </button>
                        <button type="button" class="danger" onClick={() => remove(r())} aria-label={`Delete ${String(r().data.name ?? id)}`}>
                          Delete
                        </button>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
