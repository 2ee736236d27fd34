import type { Json, WorkflowAction } from '@conduit/core/definition';
import { resolveTemplate, type TemplateContext } from '@conduit/core/expressions';

/** Fields copied as written: structure, policy, and script code (data to the sandbox, never a template). */
const RAW_FIELDS = new Set(['name', 'retry', 'onFailure', 'code']);
const SKIP = new Set(['id', 'type', 'if', 'then', 'else']);

/** The action's fields with templates resolved against { trigger, steps }. Pure: used by the workflow and by activities. */
export function resolveAction(action: WorkflowAction, ctx: TemplateContext): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(action) as [string, Json][]) {
    if (SKIP.has(k)) continue;
    if (RAW_FIELDS.has(k)) { out[k] = v; continue; }
    const r = resolveTemplate(v, ctx);
    if (r !== undefined) out[k] = r;
  }
  return out;
}
