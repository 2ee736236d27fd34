import { For, Index, Show, type JSX } from 'solid-js';
import { childListsOf, type WorkflowAction } from '@conduit/core/definition';
import { stepName } from '../editor/describe';

export type Path = (string | number)[];

/** A nested list's heading: "then" → "Then"; a list an action type adds later reads the same way. */
export const laneLabel = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');

/** Glyphs per step type, shown beside the label (decorative: the label says the type). */
const ICONS: Record<string, string> = {
  send_email: '✉',
  send_webhook: '⇄',
  create_record: '+',
  update_record: '✎',
  delete_record: '⌫',
  find_records: '⌕',
  upsert_record: '⇅',
  run_script: '⌘',
  wait: '⏱',
  wait_for_approval: '✋',
  condition: '◇',
  for_each: '↻',
  call_workflow: '↪',
};
export const iconOf = (type: string) => ICONS[type] ?? '•';

type Props = {
  actions: readonly WorkflowAction[];
  /** Path of this list in the definition, e.g. ["actions"] or ["actions", 2, "then"]. */
  path: Path;
  /** The card drawn for a step (the editor's selectable card, the run view's coloured one). */
  card: (action: WorkflowAction, path: Path) => JSX.Element;
  /** What sits on the line before the step at `index` (and after the last): the editor's "+". */
  edge?: (listPath: Path, index: number) => JSX.Element;
  /** Shown in a lane with no steps. */
  empty?: string;
};

/**
 * The workflow drawn top to bottom: one card per step joined by a line, and an action with nested
 * lists (a condition's Then / Else, a loop's steps — whatever its type's meta lists as children)
 * opening lanes side by side that join again below it. Shared by the editor and the run view; what a
 * card and an edge are is the caller's.
 */
export function FlowDiagram(props: Props) {
  return (
    <ol class="flow-list">
      <Show when={props.actions.length === 0 && props.empty}>
        <li class="flow-empty muted">{props.empty}</li>
      </Show>
      <For each={props.actions}>
        {(action, i) => {
          const here = () => [...props.path, i()];
          const lanes = () => childListsOf(action);
          return (
            <li class="flow-item">
              {props.edge?.(props.path, i())}
              {props.card(action, here())}
              <Show when={lanes().length > 0}>
                <div class="lanes" classList={{ framed: lanes().length === 1 }}>
                  <Index each={lanes()}>
                    {(lane) => (
                      <section class={`lane lane-${lane().key}`} aria-label={`${laneLabel(lane().key)} of ${stepName(action)}`}>
                        <h4 class="lane-label">{laneLabel(lane().key)}</h4>
                        <FlowDiagram
                          actions={lane().actions as WorkflowAction[]}
                          path={[...here(), lane().key]}
                          card={props.card}
                          edge={props.edge}
                          empty={props.empty}
                        />
                      </section>
                    )}
                  </Index>
                </div>
              </Show>
            </li>
          );
        }}
      </For>
      <Show when={props.edge}>
        <li class="flow-tail">{props.edge!(props.path, props.actions.length)}</li>
      </Show>
    </ol>
  );
}
