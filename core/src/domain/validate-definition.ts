/**
 * Definition checks beyond the schema, shared by the API (PATCH, activate, test) and the web editor.
 * Browser-safe: imports only the definition schemas and the expression parser.
 */
import { actionLabel, childListsOf, formatPath, walkActions, type ApiError, type Json, type WorkflowAction } from '../definition';
import { extractReferences, parsePath, referencedSteps, templateProblems } from '../expressions';

/**
 * `{{steps.X…}}` may only name steps that have run before the action: earlier siblings, earlier
 * siblings of its ancestors, and the actions enclosing it (a condition). Not later steps, not steps
 * inside a nested list (a condition's other branch may have run instead), not itself.
 */
export function validateStepReferences(actions: readonly WorkflowAction[]): ApiError[] {
  const all = new Map<string, (string | number)[]>();
  walkActions(actions, (a, p) => all.set(a.id, p));
  const errors: ApiError[] = [];

  const visit = (list: readonly WorkflowAction[], base: (string | number)[], before: ReadonlySet<string>) => {
    const seen = new Set(before);
    list.forEach((action, i) => {
      const here = [...base, i];
      const children = childListsOf(action);
      const nested = new Set(children.map((c) => c.key));
      for (const [field, value] of Object.entries(action)) {
        if (field === 'id' || field === 'type' || nested.has(field)) continue;
        for (const ref of referencedSteps(value as Json)) {
          if (seen.has(ref)) continue;
          const path = formatPath(['actions', ...here, field]);
          const where = all.get(ref);
          const why = !where
            ? `there is no step "${ref}"`
            : ref === action.id
              ? `a step cannot use its own output`
              : `step "${ref}" (${formatPath(['actions', ...where])}) does not run before this one`;
          errors.push({ code: 'invalid_reference', message: `${path}: {{steps.${ref}…}}: ${why}`, path });
        }
      }
      if (children.length > 0) {
        const inside = new Set([...seen, action.id]);
        for (const child of children) visit(child.actions, [...here, child.key], inside);
      }
      seen.add(action.id);
    });
  };
  visit(actions, [], new Set());
  return errors;
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
