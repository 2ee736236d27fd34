import type { ConditionAction } from '../schemas';
import { defineActionMeta } from '../define';

const count = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

export const conditionMeta = defineActionMeta<ConditionAction>({
  type: 'condition',
  label: 'Condition',
  description: 'Branch: then / else.',
  idBase: 'check',
  // Evaluated by the interpreter against the results so far: deterministic, no I/O.
  placement: 'workflow',
  retry: null,
  timeoutMs: null,
  rawFields: [],
  structuralFields: ['if', 'then', 'else'],
  children: (a) => [
    { key: 'then', actions: a.then },
    { key: 'else', actions: a.else },
  ],
  fieldLabels: { if: 'Condition' },
  // Decided before a branch runs: the steps inside may read it.
  outputBeforeChildren: true,
  summary: (a) => `If … then ${count(a.then.length)}, else ${count(a.else.length)}`,
});
