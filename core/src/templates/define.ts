import type { WorkflowActionInput, WorkflowTrigger } from '../definition';

/**
 * A ready-made workflow for a common CRM job: "New from template" creates an inactive draft from
 * its definition. Plain data (browser-safe); each is validated and run in tests.
 */
export type WorkflowTemplate = {
  id: string;
  name: string;
  /** One or two sentences: what it does and what to change before publishing. */
  description: string;
  category: 'Contacts' | 'Deals' | 'Companies' | 'Schedules' | 'Integrations';
  definition: { name: string; description?: string; trigger: WorkflowTrigger; actions: WorkflowActionInput[] };
};

export const defineTemplate = (t: WorkflowTemplate): WorkflowTemplate => t;
