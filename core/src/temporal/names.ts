/**
 * Names shared by everything that talks to Temporal. The API and dispatcher start runs by these
 * names and never import the worker. No I/O, no env, no zod.
 */
export const TASK_QUEUE = 'conduit-runs';
export const RUN_WORKFLOW = 'runWorkflow';

/** Also spelled into SQL that creates execution rows (the dispatcher's claim). */
export const RUN_WORKFLOW_ID_PREFIX = 'run-';
/** Temporal workflow id of an execution; an execution is unique per (workflow, event) upstream. */
export const runWorkflowId = (executionId: string): string => `${RUN_WORKFLOW_ID_PREFIX}${executionId}`;
/** Temporal schedule id of a schedule-triggered workflow. */
export const scheduleId = (workflowId: string): string => `schedule-${workflowId}`;

/** Query that returns the run's progress (steps so far) while it runs. */
export const PROGRESS_QUERY = 'progress';

/** Signal carrying a recorded approval decision to the waiting run (wait_for_approval). */
export const APPROVAL_SIGNAL = 'approvalDecision';
