import type { WorkflowAction } from '@conduit/core/definition';
import type { Path } from '../draft';

export type ActionFormProps<A extends WorkflowAction> = {
  action: A;
  /** Path of the action inside the draft, e.g. ["actions", 1, "then", 0]. */
  path: Path;
  patch: (p: Partial<Record<keyof A, unknown>>) => void;
};
