import { z } from 'zod';
import { ActionsSchema } from '../definition/definition';
import { WorkflowTriggerSchema } from '../triggers';
import { CausationSchema, TriggerPayloadSchema } from '../definition/payloads';
import { StepResultSchema } from '../definition/run';

/**
 * The argument of RUN_WORKFLOW. Whoever starts a run parses its input with this and sends the
 * parsed value (defaults applied): the workflow takes it as typed and never imports zod, because its
 * bundle is evaluated again for every run and building these schemas there costs ~10 ms per run.
 */
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
  /**
   * A dry test run: steps whose type has an outside effect (ACTION_META wouldHave) are recorded with
   * their resolved input and not done; reads and logic really run. Children it calls are dry too.
   */
  dryRun: z.boolean().default(false),
  /** A retry of a failed run: steps that succeeded there are reused, not run again. */
  resume: z.object({ fromExecutionId: z.string().uuid(), steps: z.record(z.string(), StepResultSchema) }).optional(),
});
/** What the workflow receives: parsed, defaults applied. */
export type RunInput = z.infer<typeof RunInputSchema>;
/** What a starter may write before parsing (defaults omitted). */
export type RunInputArg = z.input<typeof RunInputSchema>;
