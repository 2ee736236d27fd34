/**
 * Names shared by everything that talks to Temporal. The API and dispatcher start runs by these
 * names and never import the worker. No I/O, no env, no zod.
 */
export const TASK_QUEUE = 'conduit-runs';
export const RUN_WORKFLOW = 'runWorkflow';

/** Temporal workflow id of an execution; an execution id is derived from (workflow, event) upstream. */
export const runWorkflowId = (executionId: string): string => `run-${executionId}`;
/** Temporal schedule id of a schedule-triggered workflow. */
export const scheduleId = (workflowId: string): string => `schedule-${workflowId}`;

/** Query that returns the run's progress (steps so far) while it runs. */
export const PROGRESS_QUERY = 'progress';
