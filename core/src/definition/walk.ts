import { childListsOf } from '../actions/meta';
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
