/**
 * Task Queue Priority and Fairness of a run (Temporal Server ≥ 1.28 with `matching.enableFairness`).
 * The workspace is the fairness key: within one priority level the server dispatches tasks
 * round-robin across keys (by weight), so one workspace's backlog never holds another's runs behind
 * it. Activities and child workflows inherit the workflow's priority field by field, so setting it
 * where the run starts covers every task of the run. Without fairness enabled on the server the
 * fields are carried and ignored (dispatch is FIFO within a priority level). No I/O, no zod: the
 * workflow bundle may import this.
 */

/** Who waits for a run: a person in front of the screen, or nobody in particular. */
export type RunPriorityClass = 'interactive' | 'bulk';

/**
 * Temporal priority keys (1 first … 5 last; 3 is the server's default). Interactive runs (Run now,
 * test runs, retries from the monitor, the rest of a run after an approval decision) go ahead of
 * bulk ones (webhooks, record changes, schedules). 1, 4 and 5 are left free for operators.
 */
export const PRIORITY_KEY: Readonly<Record<RunPriorityClass, number>> = { interactive: 2, bulk: 3 };

/** The shape Temporal's `priority` option takes on a workflow start, a schedule action, an activity or a child. */
export type RunPriority = { priorityKey: number; fairnessKey: string; fairnessWeight?: number };

/** A run's priority: its class's key and its workspace as the fairness key (a uuid, within Temporal's 64 bytes). */
export const runPriority = (workspaceId: string, kind: RunPriorityClass): RunPriority => ({
  priorityKey: PRIORITY_KEY[kind],
  fairnessKey: workspaceId,
});
