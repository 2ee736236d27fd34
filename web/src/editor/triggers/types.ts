import type { WorkflowTrigger } from '@conduit/core/definition';

export type TriggerFormProps<T extends WorkflowTrigger> = {
  trigger: T;
  patch: (p: Partial<Record<keyof T, unknown>>) => void;
};
