import { brief, defineActionMeta } from '../define';
import type { WaitAction } from './schema';

export const waitMeta = defineActionMeta<WaitAction>({
  type: 'wait',
  label: 'Wait',
  description: 'Pause the run for a while or until a date.',
  idBase: 'wait',
  // A durable timer in the workflow: no activity, no worker held while it waits.
  placement: 'workflow',
  waitsDurably: true,
  retry: null,
  timeoutMs: null,
  rawFields: [],
  structuralFields: [],
  summary: (a) => (a.until !== undefined ? `Wait until ${brief(a.until)}` : `Wait ${a.duration ?? ''}`.trim()),
});
