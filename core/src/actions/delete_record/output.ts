import type { OutputField } from '../define';
import { recordOutput } from '../record-output';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = /* @__PURE__ */ recordOutput({ key: 'deleted', kind: 'boolean', description: 'true' });
