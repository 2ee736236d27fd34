import type { Json, WorkflowAction } from '@conduit/core/definition';
import { resolveTemplate, type TemplateContext } from '@conduit/core/expressions';
import { rawFieldsOf } from './action-runtime';

const SKIP = new Set(['id', 'type', 'if', 'then', 'else']);

/** The action's fields with templates resolved against { trigger, steps }. Pure: used by the workflow and by activities. */
export function resolveAction(action: WorkflowAction, ctx: TemplateContext): Record<string, Json> {
  const out: Record<string, Json> = {};
  const raw = rawFieldsOf(action);
  for (const [k, v] of Object.entries(action) as [string, Json][]) {
    if (SKIP.has(k)) continue;
    if (raw.has(k)) { out[k] = v; continue; }
    const r = resolveTemplate(v, ctx);
    if (r !== undefined) out[k] = r;
  }
  return out;
}
