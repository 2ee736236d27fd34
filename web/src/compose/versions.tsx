import { createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { DefinitionChangeDto } from '@conduit/core/api';
import { api } from '../api/endpoints';
import { ApiError, errorText } from '../api/client';
import type { Workflow } from '../api/schemas';

/** A value of a changed field, short: text as typed, anything else as compact JSON, unset as "(not set)". */
const shown = (v: unknown) => {
  if (v === undefined || v === null || v === '') return '(not set)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
};

/** The changes between two versions as a list a person reads: one sentence each, and each changed field's before → after. */
export function ChangeList(props: { changes: DefinitionChangeDto[]; empty?: string }) {
  return (
    <Show when={props.changes.length > 0} fallback={<p class="muted">{props.empty ?? 'No differences.'}</p>}>
      <ul class="changes" data-testid="changes">
        <For each={props.changes}>
          {(c) => (
            <li class={`change change-${c.kind}`}>
              {c.text}
              <Show when={c.fields && c.fields.length > 0}>
                <ul>
                  <For each={c.fields}>
                    {(f) => (
                      <li>
                        <span class="muted">{f.label}:</span> <del>{shown(f.before)}</del> → <ins>{shown(f.after)}</ins>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

export type Activated = Awaited<ReturnType<typeof api.workflows.activate>>;

/**
 * Shows what the draft changes against the live version, then either publishes it (`publish`) or,
 * when a workflow with unpublished changes is turned on (`choose`), asks which version runs: the
 * draft (published as the next version) or the live one as published.
 */
export function ChooseVersionDialog(props: { ws: string; workflow: Workflow; mode?: 'choose' | 'publish'; onDone: (r: Activated | undefined) => void }) {
  const previous = document.activeElement as HTMLElement | null;
  let first: HTMLButtonElement | undefined;
  const [diff] = createResource(() => api.workflows.diff(props.ws, props.workflow.id, 'live', 'draft'));
  const [error, setError] = createSignal<string>();
  const live = () => props.workflow.liveVersion ?? 0;
  const close = (r: Activated | undefined) => {
    props.onDone(r);
    previous?.focus?.();
  };
  const choose = async (version: 'draft' | 'live') => {
    setError(undefined);
    try {
      close(
        props.mode === 'publish'
          ? await api.workflows.publish(props.ws, props.workflow.id)
          : await api.workflows.activate(props.ws, props.workflow.id, version),
      );
    } catch (e) {
      setError(errorText(e));
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close(undefined);
  };
  onMount(() => {
    first?.focus();
    document.addEventListener('keydown', onKey);
  });
  onCleanup(() => document.removeEventListener('keydown', onKey));
  return (
    <div class="backdrop">
      <div class="dialog card wide" role="dialog" aria-modal="true" aria-labelledby="choose-title" aria-describedby="choose-msg">
        <h2 id="choose-title">{props.mode === 'publish' ? `Publish version ${live() + 1}?` : 'Which version should run?'}</h2>
        <p id="choose-msg">
          {props.mode === 'publish'
            ? `What changes against version ${live()}, the one published last:`
            : `“${props.workflow.name}” has unpublished changes. Version ${live()} is the one published last. Changes in the draft:`}
        </p>
        <Show when={diff()} fallback={<p class="muted">{diff.error ? `Could not load the changes: ${errorText(diff.error)}` : 'Loading the changes…'}</p>}>
          {(d) => <ChangeList changes={d().changes} />}
        </Show>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="row end wrap">
          <button type="button" onClick={() => close(undefined)}>
            Cancel
          </button>
          <Show
            when={props.mode === 'publish'}
            fallback={
              <>
                <button type="button" ref={first} onClick={() => choose('live')}>
                  Run version {live()} as published
                </button>
                <button type="button" class="primary" onClick={() => choose('draft')}>
                  Publish the draft as version {live() + 1} and run it
                </button>
              </>
            }>
            <button type="button" ref={first} class="primary" onClick={() => choose('draft')}>
              Publish version {live() + 1}
            </button>
          </Show>
        </div>
      </div>
    </div>
  );
}

/**
 * Turns a workflow on as the API decides: unambiguous cases go through at once; with unpublished
 * changes the API answers 409 `choice_required` and `ask` opens the dialog above.
 */
export async function turnOn(ws: string, wf: Workflow, ask: (wf: Workflow) => void): Promise<Activated | undefined> {
  try {
    return await api.workflows.activate(ws, wf.id);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'choice_required') {
      ask(wf);
      return undefined;
    }
    throw e;
  }
}
