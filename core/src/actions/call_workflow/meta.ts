import { defineActionMeta } from '../define';
import type { CallWorkflowAction } from './schema';

export const callWorkflowMeta = defineActionMeta<CallWorkflowAction>({
  type: 'call_workflow',
  label: 'Call workflow',
  description: 'Run another workflow (one that starts manually) and, by default, wait for its result.',
  idBase: 'call',
  // Started by the workflow itself as a Temporal child workflow: durable, cancelled with its parent.
  placement: 'workflow',
  waitsDurably: true,
  retry: null,
  timeoutMs: null,
  // The target is fixed when the workflow is published (checked there, cycles included), never templated.
  rawFields: ['workflowId', 'wait'],
  structuralFields: [],
  fieldLabels: { workflowId: 'Workflow', wait: 'Wait for it to finish' },
  summary: (a) => `${a.wait === false ? 'Start' : 'Call'} another workflow`,
});
