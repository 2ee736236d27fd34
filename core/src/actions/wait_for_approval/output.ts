import type { OutputField } from '../define';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = [
  { key: 'decision', kind: 'text', description: '"approved" or "rejected"' },
  { key: 'by', kind: 'text', description: 'who decided (null on a timeout)' },
  { key: 'at', kind: 'text', description: 'when' },
  { key: 'comment', kind: 'text', description: 'their comment' },
  { key: 'timedOut', kind: 'boolean', description: 'true when nobody answered in time' },
];
