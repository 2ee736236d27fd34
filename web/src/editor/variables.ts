import { triggerVariables, type WorkflowAction, type WorkflowTrigger } from '@conduit/core/definition';
import type { Step } from '../api/schemas';
import type { Path } from './draft';
import type { Variable } from './context';
import { earlierStepIds } from './validate';

/** ["actions", 1, "then", 0, "url"] → [1, "then", 0]: where the field's action sits in the list. */
function actionPathOf(fieldPath: Path): (string | number)[] | undefined {
  if (fieldPath[0] !== 'actions' || typeof fieldPath[1] !== 'number') return undefined;
  const out: (string | number)[] = [fieldPath[1]];
  let i = 2;
  while ((fieldPath[i] === 'then' || fieldPath[i] === 'else') && typeof fieldPath[i + 1] === 'number') {
    out.push(fieldPath[i] as string, fieldPath[i + 1] as number);
    i += 2;
  }
  return out;
}

/** Variables a field may use: the trigger, then outputs of steps that run before its action. */
export function variablesFor(
  fieldPath: Path,
  trigger: WorkflowTrigger,
  actions: readonly WorkflowAction[],
  fields: string[],
  testSteps: Map<string, Step>,
): Variable[] {
  const vars = triggerVariables(trigger, fields);
  const at = actionPathOf(fieldPath);
  if (!at) return vars;
  for (const id of earlierStepIds(actions, at)) {
    vars.push({ value: `steps.${id}.output`, label: `output of ${id}`, group: 'Earlier steps' });
    const out = testSteps.get(id)?.output;
    if (out && typeof out === 'object' && !Array.isArray(out))
      for (const k of Object.keys(out)) vars.push({ value: `steps.${id}.output.${k}`, label: 'from the last test run', group: 'Earlier steps' });
  }
  return vars;
}
