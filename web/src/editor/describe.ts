import {
  TRIGGER_META,
  childListsOf,
  stepNameOf,
  summarizeAction,
  walkActions,
  wouldHaveOf,
  type WorkflowAction,
  type WorkflowTrigger,
} from '@conduit/core/definition';
import { previewTemplate } from '@conduit/core/expressions';
import type { Path } from './draft';
import { fieldId } from './fields';

/** "actions[1].then[0].to" → ["actions", 1, "then", 0, "to"]. */
export const pathToArray = (p: string): Path =>
  p
    .split(/\.|\[|\]/)
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** A step as a person knows it: the label they gave it, else its type in words (one rule, in core). */
export const stepName = stepNameOf;

/** Field keys whose words are not simply the key split into words. */
const WORDS: Record<string, string> = {
  to: 'To',
  cc: 'Cc',
  url: 'URL',
  recordId: 'Record id',
  data: 'Fields',
  if: 'Condition',
  left: 'Value',
  right: 'Compared to',
  op: 'Comparison',
  timeoutMs: 'Timeout (ms)',
  memoryMb: 'Memory (MB)',
  cpuMs: 'CPU time (ms)',
  cron: 'Cron expression',
  timezone: 'Time zone',
  bodyType: 'Body type',
  onFailure: 'If this step fails',
  name: 'Label',
  id: 'Step id',
  headerName: 'Header name',
  allowGet: 'Also accept GET requests',
  query: 'Query parameters',
};
const humanise = (key: string) => {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Label of a field from its form when the form is on screen (the words the person sees), else from the key. */
function fieldWords(full: Path, rest: Path): string {
  const el = typeof document !== 'undefined' ? document.getElementById(fieldId(full)) : null;
  const label = el?.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent?.trim() : undefined;
  if (label) return label;
  const parts: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const seg = rest[i]!;
    if ((seg === 'all' || seg === 'any') && typeof rest[i + 1] === 'number') {
      parts.push(`comparison ${(rest[i + 1] as number) + 1}`);
      i++;
    } else if (typeof seg === 'number') parts.push(`entry ${seg + 1}`);
    else if (i > 0 && (rest[i - 1] === 'data' || rest[i - 1] === 'headers' || rest[i - 1] === 'query')) parts.push(`“${seg}”`);
    else parts.push(WORDS[seg] ?? humanise(seg));
  }
  return parts.join(' › ') || 'This step';
}

/**
 * Where a problem is, in words: the step by its label (or type) and the field by its label, never
 * the definition path ("actions[1].then[0].to" → step "Notify owner", field "To").
 */
export function describeWhere(draft: { trigger: WorkflowTrigger; actions: readonly WorkflowAction[] }, key: string): { step: string; field: string } {
  const path = pathToArray(key);
  if (path.length === 0) return { step: 'Workflow', field: 'Workflow' };
  if (path[0] === 'name') return { step: 'Workflow', field: 'Workflow name' };
  if (path[0] === 'trigger')
    return { step: `Trigger (${TRIGGER_META[draft.trigger.type]?.label ?? 'trigger'})`, field: path.length > 1 ? fieldWords(path, path.slice(1)) : 'Trigger' };
  if (path[0] !== 'actions' || typeof path[1] !== 'number') return { step: 'Workflow', field: fieldWords(path, path) };
  let list: readonly WorkflowAction[] = draft.actions;
  let action = list[path[1]];
  let i = 2;
  while (action && typeof path[i] === 'string' && typeof path[i + 1] === 'number') {
    const child = childListsOf(action).find((c) => c.key === path[i]);
    if (!child) break;
    list = child.actions;
    action = list[path[i + 1] as number];
    i += 2;
  }
  if (!action) return { step: 'A step', field: 'Steps' };
  return { step: stepName(action), field: path.length > i ? fieldWords(path, path.slice(i)) : 'This step' };
}

/**
 * What a live run of these steps really does, one line per step with an outside effect (the types a
 * dry run records instead of doing), in the order they appear: "Notify owner: Email to ada@…". The
 * sample trigger payload fills what it can; a later step's output stays as written ({{…}}).
 */
export function liveEffects(actions: readonly WorkflowAction[], trigger?: unknown): string[] {
  const out: string[] = [];
  walkActions(actions, (a) => {
    if (wouldHaveOf(a.type)) out.push(`${stepName(a)}: ${summarizeAction(previewTemplate(a, { trigger, steps: {} }) as WorkflowAction)}`);
  });
  return out;
}
