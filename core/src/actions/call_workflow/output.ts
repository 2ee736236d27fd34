import type { OutputField } from '../define';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = [
  { key: 'executionId', kind: 'text', description: 'the called run' },
  { key: 'status', kind: 'text', description: 'how it ended ("started" when not waited for)' },
  { key: 'output', kind: 'object', description: "the called run's step outputs, by step id" },
];
