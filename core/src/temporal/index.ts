import { z } from 'zod';
import { ActionsSchema } from '../definition/definition';
import { WorkflowTriggerSchema } from '../definition/triggers';
import { CausationSchema, TriggerPayloadSchema } from '../definition/payloads';
import { StepResultSchema } from '../definition/run';

/**
 * Names shared by everything that talks to Temporal. The API and dispatcher start runs by these
 * names and never import the worker. Safe inside workflow code (no I/O, no env).
 */
export const TASK_QUEUE = 'conduit-runs';
export const RUN_WORKFLOW = 'runWorkflow';

/** Temporal workflow id of an execution; an execution id is derived from (workflow, event) upstream. */
export const runWorkflowId = (executionId: string): string => `run-${executionId}`;
/** Temporal schedule id of a schedule-triggered workflow. */
export const scheduleId = (workflowId: string): string => `schedule-${workflowId}`;

/** Query that returns the run's progress (steps so far) while it runs. */
export const PROGRESS_QUERY = 'progress';

export const RunInputSchema = z.object({
  /** Set by the dispatcher/API that created the execution row; absent for schedule fires (the run creates it). */
  executionId: z.string().uuid().optional(),
  workspaceId: z.string().uuid(),
  workflowId: z.string().uuid(),
  /** The immutable version the run is pinned to; null for a test run of a draft. */
  versionId: z.string().uuid().nullable(),
  /** The pinned definition travels with the run, so editing the workflow never changes it. */
  definition: z.object({ trigger: WorkflowTriggerSchema, actions: ActionsSchema }),
  /** The trigger payload; absent for schedule fires (the run builds it from the schedule time). */
  trigger: TriggerPayloadSchema.optional(),
  causation: CausationSchema.default({ depth: 0, chain: [] }),
  eventId: z.string().uuid().nullable().default(null),
  isTest: z.boolean().default(false),
  /** A retry of a failed run: steps that succeeded there are reused, not run again. */
  resume: z
    .object({ fromExecutionId: z.string().uuid(), steps: z.record(z.string(), StepResultSchema) })
    .optional(),
});
export type RunInput = z.infer<typeof RunInputSchema>;
export type RunInputArg = z.input<typeof RunInputSchema>;
