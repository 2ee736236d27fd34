import type { OutputField } from '../define';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = [
  { key: 'count', kind: 'number', description: 'how many items ran' },
  { key: 'results', kind: 'list', description: "each item's last step output" },
  { key: 'truncated', kind: 'object', description: 'set when results were cut' },
];
