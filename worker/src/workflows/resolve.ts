import type { Json, WorkflowAction } from '@conduit/core/definition';
import { RAW_FIELDS, STRUCTURAL_FIELDS } from '@conduit/core/action-meta';
import { resolveTemplate, type TemplateContext } from '@conduit/core/expressions';

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
