import type { OutputField } from '../define';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = [
  { key: 'items', kind: 'list', description: 'the records found' },
  { key: 'count', kind: 'number', description: 'how many were found' },
  { key: 'first', kind: 'object', description: 'the first record found, null when none matched' },
  { key: 'hasMore', kind: 'boolean', description: 'true when more matched than the limit' },
];
