import type { ForEachAction } from '../schemas';
import { brief, defineActionMeta } from '../define';

export const forEachMeta = defineActionMeta<ForEachAction>({
  type: 'for_each',
  label: 'For each',
  description: 'Run steps once for every item of a list.',
  idBase: 'loop',
  // The interpreter runs the iterations itself (deterministic): each inner step is its own command.
  placement: 'workflow',
  retry: null,
  timeoutMs: null,
  rawFields: ['concurrency', 'maxItems'],
  structuralFields: ['steps'],
  children: (a) => [{ key: 'steps', actions: a.steps }],
  fieldLabels: { concurrency: 'Items at once', maxItems: 'Max items' },
  summary: (a) => `For each of ${brief(a.items)}: ${a.steps.length} step${a.steps.length === 1 ? '' : 's'}`,
});
