/**
 * Definition checks beyond the schema, shared by the API (PATCH, activate, test) and the web editor.
 * Browser-safe: imports only the definition schemas and the expression parser.
 */
import {
  actionLabel,
  childListsOf,
  fieldLabelOf,
  formatPath,
  outputFieldsOf,
  stepsRunBefore,
  walkActions,
  type ApiError,
  type Json,
  type OutputKind,
  type WorkflowAction,
} from '../definition';
import { extractReferences, parsePath, referencedSteps, templateProblems } from '../expressions';

/** A reference problem: the message names the step and the field by label, `problem` is about the field alone. */
export type ReferenceIssue = ApiError & { path: string; problem: string };

/**
 * `{{steps.X…}}` may only name steps whose output is known when the action starts (`stepsRunBefore`,
 * the rule the editor's variable picker follows too): earlier siblings, earlier siblings of its
 * ancestors, and the conditions enclosing it. Not later steps, not steps inside a nested list (a
 * condition's other branch may have run instead), not itself, and not a loop it runs inside (the
 * loop's output is only known once every item has run; inside, `{{item}}` is the current item).
 */
export function validateStepReferences(actions: readonly WorkflowAction[]): ReferenceIssue[] {
  const all = new Map<string, { action: WorkflowAction; path: (string | number)[] }>();
  walkActions(actions, (action, path) => all.set(action.id, { action, path }));
  const errors: ReferenceIssue[] = [];
  walkActions(actions, (action, here) => {
    const nested = new Set(childListsOf(action).map((c) => c.key));
    let before: ReadonlySet<string> | undefined;
    for (const [field, value] of Object.entries(action)) {
      if (field === 'id' || field === 'type' || nested.has(field)) continue;
      for (const ref of referencedSteps(value as Json)) {
        before ??= new Set(stepsRunBefore(actions, here));
        if (before.has(ref)) continue;
        const target = all.get(ref);
        const encloses = target !== undefined && target.path.length < here.length && target.path.every((p, i) => here[i] === p);
        const why = !target
          ? `there is no step "${ref}"`
          : ref === action.id
            ? 'a step cannot use its own output'
            : encloses && target.action.type === 'for_each'
              ? `this step runs inside the loop ${stepLabel(target.action)}, whose output is only known once every item has run; use {{item}} for the current item`
              : `${stepLabel(target.action)} does not run before this one`;
        const problem = `{{steps.${ref}…}}: ${why}`;
        const path = formatPath(['actions', ...here, field]);
        errors.push({
          code: 'invalid_reference',
          path,
          problem,
          message: `Step ${stepLabel(action)}, field "${fieldLabelOf(action.type, field)}": ${problem}`,
        });
      }
    }
  });
  return errors;
}

const KIND_WORDS: Record<OutputKind, string> = {
  list: 'a list',
  object: 'an object',
  text: 'text',
  number: 'a number',
  boolean: 'true or false',
  any: 'any value',
};

/**
 * Loops whose Items is a whole step output, or one of its fields, that is known not to be a list
 * (`{{steps.find.output}}` for Find records: an object whose `items` is the list), by the output
 * fields each type declares (ACTION_OUTPUTS). Every run of such a loop fails ("resolved to an object, not
 * a list"); the editor says so at the field, naming the list to use. Keyed by the Items field's path.
 */
export function loopItemsProblems(actions: readonly WorkflowAction[]): { path: string; problem: string }[] {
  const byId = new Map<string, WorkflowAction>();
  walkActions(actions, (a) => byId.set(a.id, a));
  const out: { path: string; problem: string }[] = [];
  walkActions(actions, (loop, here) => {
    if (loop.type !== 'for_each' || typeof loop.items !== 'string') return;
    const whole = /^\s*\{\{\s*([^{}|]*?)\s*\}\}\s*$/.exec(loop.items);
    const seg = whole ? parsePath(whole[1]!) : undefined;
    if (seg?.[0] !== 'steps' || typeof seg[1] !== 'string' || seg[2] !== 'output' || seg.length > 4) return;
    const step = byId.get(seg[1]);
    const fields = step ? outputFieldsOf(step.type) : null;
    if (!step || !fields) return;
    const base = `steps.${step.id}.output`;
    const lists = fields.filter((f) => f.kind === 'list').map((f) => `{{${base}.${f.key}}}`);
    const instead = lists.length === 1 ? `: loop over ${lists[0]}` : lists.length > 1 ? `: loop over one of its lists, ${lists.join(' or ')}` : '';
    const at = formatPath(['actions', ...here, 'items']);
    if (seg.length === 3) {
      out.push({ path: at, problem: `${stepLabel(step)} returns an object (${fields.map((f) => f.key).join(', ')}), not a list${instead}` });
      return;
    }
    const field = fields.find((f) => f.key === seg[3]);
    if (field && field.kind !== 'list' && field.kind !== 'any')
      out.push({ path: at, problem: `{{${base}.${field.key}}} is ${KIND_WORDS[field.kind]} (${field.description}), not a list${instead}` });
  });
  return out;
}

/** A person's name for a field key: "recordId" → "Record ID", "items" → "Items". */
export function fieldLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  const label = words.replace(/\bid\b/g, 'ID').replace(/\burl\b/g, 'URL');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** How an error names a step: its name, else its type's label and id. */
export const stepLabel = (a: WorkflowAction): string => (a.name?.trim() ? `"${a.name.trim()}"` : `${actionLabel(a.type)} "${a.id}"`);

export type TemplateIssue = ApiError & { path: string; problem: string };

/**
 * Template problems a run would only find too late: unknown functions or wrong argument counts,
 * and `{{item}}` / `{{index}}` outside a loop. Messages name the step and the field by their labels.
 */
export function validateTemplates(actions: readonly WorkflowAction[]): TemplateIssue[] {
  const out: TemplateIssue[] = [];
  const visit = (list: readonly WorkflowAction[], base: (string | number)[], inLoop: boolean) =>
    list.forEach((action, i) => {
      const here = [...base, i];
      const children = childListsOf(action);
      const nested = new Set(children.map((c) => c.key));
      for (const [field, value] of Object.entries(action)) {
        if (field === 'id' || field === 'type' || nested.has(field)) continue;
        const problems = templateProblems(value as Json);
        // A loop's own `items` is resolved outside its iterations.
        if (!inLoop) {
          for (const ref of extractReferences(value as Json)) {
            const root = parsePath(ref)?.[0];
            if (root === 'item' || root === 'index') problems.push(`{{${root}}} is only known inside a "For each" loop`);
          }
        }
        const path = formatPath(['actions', ...here, field]);
        for (const problem of problems)
          out.push({ code: 'invalid_template', path, problem, message: `Step ${stepLabel(action)}, field "${fieldLabel(field)}": ${problem}` });
      }
      for (const c of children) visit(c.actions, [...here, c.key], inLoop || action.type === 'for_each');
    });
  visit(actions, [], false);
  return out;
}
