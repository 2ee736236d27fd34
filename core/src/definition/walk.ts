import type { WorkflowAction } from './actions';

/**
 * Visits every action, nested branches included, with its JSON path inside `actions`. Zod-free on
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
    if (a.type === 'condition') {
      walkActions(a.then, visit, [...here, 'then']);
      walkActions(a.else, visit, [...here, 'else']);
    }
  });
}
