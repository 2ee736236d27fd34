import type { OutputField } from '../define';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = [
  { key: 'branch', kind: 'text', description: '"then" or "else"' },
  { key: 'result', kind: 'boolean', description: 'whether the condition held' },
  { key: 'trace', kind: 'list', description: 'each comparison, resolved' },
];
