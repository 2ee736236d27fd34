import type { Json, WorkflowAction } from '@conduit/core/definition';
import { RAW_FIELDS, secretFieldsOf, STRUCTURAL_FIELDS } from '@conduit/core/action-meta';
import { resolveTemplate, secretParts, type TemplateContext } from '@conduit/core/expressions';
import type { SecretField } from './contract';

/**
 * The action's fields with templates resolved against { trigger, steps }; its type's module says
 * which fields are copied as written (policy, script code) and which are structure (a condition's
 * branches). Pure: used by the workflow and by activities.
 */
export function resolveAction(action: WorkflowAction, ctx: TemplateContext): Record<string, Json> {
  const out: Record<string, Json> = {};
  const raw = RAW_FIELDS[action.type];
  const skip = STRUCTURAL_FIELDS[action.type];
  for (const [k, v] of Object.entries(action) as [string, Json][]) {
    if (skip.has(k)) continue;
    if (raw.has(k)) {
      out[k] = v;
      continue;
    }
    const r = resolveTemplate(v, ctx);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

/**
 * The strings of the action's secret-bearing fields (send_webhook's URL, headers, query, body and
 * auth) that reference secrets, resolved except for the secrets. Only what the definition wrote
 * counts: a `{{secrets.X}}` inside trigger data or a step's output is text, never a reference.
 */
export function secretFieldsIn(action: WorkflowAction, ctx: TemplateContext): SecretField[] {
  const out: SecretField[] = [];
  const visit = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === 'string') {
      const parts = secretParts(v, ctx);
      if (parts) out.push({ path, parts });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => {
        visit(x, [...path, i]);
      });
    } else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
  };
  const fields = action as unknown as Record<string, unknown>;
  for (const field of secretFieldsOf(action.type)) if (field in fields) visit(fields[field], [field]);
  return out;
}
