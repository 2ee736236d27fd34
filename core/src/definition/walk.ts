import { childListsOf, outputKnownInside } from '../actions/meta';
import type { WorkflowAction } from '../actions/schemas';

/**
 * Visits every action, nested lists included, with its JSON path inside `actions`. Zod-free on
 * purpose: the Temporal workflow bundle imports this.
 */
export function walkActions(
  actions: readonly WorkflowAction[],
  visit: (action: WorkflowAction, path: (string | number)[]) => void,
  path: (string | number)[] = [],
): void {
  actions.forEach((a, i) => {
    const here = [...path, i];
    visit(a, here);
    for (const child of childListsOf(a)) walkActions(child.actions, visit, [...here, child.key]);
  });
}

/**
 * Ids of the steps whose output is known when the action at `path` ([1, "then", 0]) starts: the one
 * rule the API (`validateStepReferences`) and the editor's variable picker share. Earlier siblings at
 * every level, and the enclosing actions whose output is known before their nested lists run (a
 * condition, see ActionMeta.outputBeforeChildren). Not a loop around the action (its output is only
 * known once every item has run), not steps inside an earlier action's nested lists (the other branch
 * may have run instead), not the action itself.
 */
export function stepsRunBefore(actions: readonly WorkflowAction[], path: readonly (string | number)[]): string[] {
  const out: string[] = [];
  let list: readonly WorkflowAction[] = actions;
  for (let i = 0; i < path.length; i += 2) {
    const index = path[i] as number;
    for (const a of list.slice(0, index)) out.push(a.id);
    const here = list[index];
    const child = here && childListsOf(here).find((c) => c.key === path[i + 1]);
    if (!here || !child) break;
    if (outputKnownInside(here)) out.push(here.id);
    list = child.actions;
  }
  return out;
}
