/**
 * Definition checks beyond the schema, shared by the API (PATCH, activate, test) and the web editor.
 * Browser-safe: imports only the definition schemas and the expression parser.
 */
import { childListsOf, formatPath, walkActions, type ApiError, type Json, type WorkflowAction } from '../definition';
import { referencedSteps } from '../expressions';

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
