import type { OutputField } from '../define';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = [
  { key: 'waitedMs', kind: 'number', description: 'how long it waited (ms)' },
  { key: 'until', kind: 'text', description: 'when the wait ended' },
];
