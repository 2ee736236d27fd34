import {
  childListsOf,
  outputFieldsOf,
  secretFieldsOf,
  stepNameOf,
  triggerVariables,
  walkActions,
  type WorkflowAction,
  type WorkflowTrigger,
} from '@conduit/core/definition';
import type { Step } from '../api/schemas';
import type { Path } from './draft';
import type { Variable } from './context';
import { earlierStepIds } from './validate';

/**
 * ["actions", 1, "then", 0, "url"] → [1, "then", 0]: where the field's action sits in the list. A key
 * counts as a nested list only where that action's type says it holds one (a condition's then and
 * else), so a field that is an array (["actions", 0, "to", 1]) stays the action's own.
 */
function actionPathOf(fieldPath: Path, actions: readonly WorkflowAction[]): (string | number)[] | undefined {
  if (fieldPath[0] !== 'actions' || typeof fieldPath[1] !== 'number') return undefined;
  const out: (string | number)[] = [fieldPath[1]];
  let action = actions[fieldPath[1]];
  for (let i = 2; action && typeof fieldPath[i + 1] === 'number'; i += 2) {
    const child = childListsOf(action).find((c) => c.key === fieldPath[i]);
    if (!child) break;
    const index = fieldPath[i + 1] as number;
    out.push(child.key, index);
    action = child.actions[index];
  }
  return out;
}

const EARLIER = 'Earlier steps';
/** In a loop's Items: the lists earlier steps output, offered first. */
const LISTS = 'Lists to loop over';

/**
 * Variables a field may use: the trigger, then the outputs of steps whose output is known when its
 * action starts (not a loop around it: inside, `{{item}}` is the current item), each with the output
 * fields its type declares (its `output.ts`, core's ACTION_OUTPUTS) and the keys the last test run adds.
 */
export function variablesFor(
  fieldPath: Path,
  trigger: WorkflowTrigger,
  actions: readonly WorkflowAction[],
  fields: string[],
  testSteps: Map<string, Step>,
  secrets: readonly string[] = [],
): Variable[] {
  const vars = triggerVariables(trigger, fields);
  const at = actionPathOf(fieldPath, actions);
  if (!at) return vars;
  if (loopsAround(at, actions).length > 0) {
    vars.push({ value: 'item', label: 'the current item of the loop', group: 'This loop' });
    vars.push({ value: 'index', label: 'its position, from 0', group: 'This loop' });
  }
  // Secrets only in the fields whose type resolves them at call time (a webhook's URL, headers, body…).
  const action = actionAt(actions, at);
  const field = fieldPath[at.length + 1];
  if (action && typeof field === 'string' && secretFieldsOf(action.type).includes(field))
    for (const name of secrets) vars.push({ value: `secrets.${name}`, label: 'workspace secret', group: 'Secrets' });
  // Each earlier step's output fields as its type declares them (no test run needed), then what the
  // last test run adds. In a loop's Items, the lists come first, in their own group.
  const loopItems = action?.type === 'for_each' && field === 'items' && fieldPath.length === at.length + 2;
  const lists: Variable[] = [];
  const byId = new Map<string, WorkflowAction>();
  walkActions(actions, (a) => byId.set(a.id, a));
  for (const id of earlierStepIds(actions, at)) {
    const step = byId.get(id);
    const name = step ? stepNameOf(step) : id;
    const declared = step ? outputFieldsOf(step.type) : null;
    const out = testSteps.get(id)?.output;
    const tested = out && typeof out === 'object' && !Array.isArray(out) ? (out as Record<string, unknown>) : undefined;
    const whole = declared ? `${name}: its whole output, an object (${declared.map((f) => f.key).join(', ')})` : `${name}: its output`;
    vars.push({ value: `steps.${id}.output`, label: whole, group: EARLIER });
    for (const f of declared ?? []) {
      const v = { value: `steps.${id}.output.${f.key}`, label: `${name}: ${f.description}${f.kind === 'list' ? ' (a list)' : ''}`, group: EARLIER };
      if (loopItems && f.kind === 'list') lists.push({ ...v, group: LISTS });
      else vars.push(v);
      // Deeper keys of an object field (a found record's fields) from the last test run.
      const inner = tested?.[f.key];
      if (f.kind === 'object' && inner && typeof inner === 'object' && !Array.isArray(inner))
        for (const k of Object.keys(inner)) vars.push({ value: `steps.${id}.output.${f.key}.${k}`, label: 'from the last test run', group: EARLIER });
    }
    const known = new Set((declared ?? []).map((f) => f.key));
    for (const k of Object.keys(tested ?? {}))
      if (!known.has(k)) vars.push({ value: `steps.${id}.output.${k}`, label: 'from the last test run', group: EARLIER });
  }
  if (lists.length > 0) vars.unshift(...lists);
  return vars;
}

/**
 * The loops whose steps hold the action at `at` (outermost first). A loop's own fields (its `items`)
 * are outside it: only a field of an action inside the loop's steps sees `{{item}}`.
 */
export function loopsAround(at: readonly (string | number)[], actions: readonly WorkflowAction[]): WorkflowAction[] {
  const out: WorkflowAction[] = [];
  let list: readonly WorkflowAction[] = actions;
  for (let i = 0; i < at.length; i += 2) {
    const action = list[at[i] as number];
    const key = at[i + 1];
    if (!action || key === undefined) break;
    if (action.type === 'for_each' && key === 'steps') out.push(action);
    list = childListsOf(action).find((c) => c.key === key)?.actions ?? [];
  }
  return out;
}

export { actionPathOf };
function actionAt(actions: readonly WorkflowAction[], at: readonly (string | number)[]): WorkflowAction | undefined {
  let action = actions[at[0] as number];
  for (let i = 1; action && i + 1 < at.length; i += 2) action = childListsOf(action).find((c) => c.key === at[i])?.actions[at[i + 1] as number];
  return action;
}
