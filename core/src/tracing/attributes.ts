/**
 * The span attributes Conduit adds, by one name everywhere (ingress, dispatcher, workflow,
 * activities), so a trace backend can search a run or an event across the whole path. Free of
 * zod and of the OpenTelemetry API: the workflow bundle imports it.
 */
export const TRACE_ATTR = {
  /** The execution id (the run; its Temporal workflow id is `run-<execution id>`). */
  executionId: 'conduit.execution_id',
  /** The stored event that started the run (absent for schedules and manual runs). */
  eventId: 'conduit.event_id',
  workspaceId: 'conduit.workspace_id',
  workflowId: 'conduit.workflow_id',
} as const;

/** The Temporal header in which a traced run hands these attributes to its activities. */
export const RUN_ATTRIBUTES_HEADER = 'conduit-trace-attributes';
