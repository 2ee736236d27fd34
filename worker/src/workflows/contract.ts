import type { ActionType, Causation, Json, StepResult, StepStatus, TriggerPayload, WorkflowAction } from '@conduit/core/definition';
import type { DecisionSignal, StepWrite } from '@conduit/core/domain';
import type { SecretPart } from '@conduit/core/expressions';

export type { DecisionSignal } from '@conduit/core/domain';

/**
 * What the workflow and its activities exchange. Pure types and constants: imported by workflow
 * code, so nothing here may touch I/O.
 */
/**
 * The progress query's name. Mirrors PROGRESS_QUERY of @conduit/core/temporal, which the workflow may
 * not import (that entry carries the run input's zod schema); a test keeps the two equal.
 */
export const PROGRESS_QUERY = 'progress';

/**
 * Run data as the JSON it is, for fields typed Json. Sound: trigger payloads, step results, condition
 * trees and traces are made of JSON values (they travel as Temporal's JSON payloads and are stored as
 * jsonb); their TypeScript types differ from Json only by optional properties, which are absent, never
 * undefined, in data that went through JSON.
 */
export const asJson = (value: object): Json => value as unknown as Json;

export type RunRef = {
  executionId: string;
  workspaceId: string;
  workflowId: string;
  causation: Causation;
  /** A dry test run: effect steps are recorded as "would have", not done (set only when true). */
  dryRun?: true;
};

/**
 * A string of the action that references secrets, by its path inside the action, in pieces: the
 * activity joins them with the values. The action itself keeps `{{secrets.NAME}}` as written.
 */
export type SecretField = { path: (string | number)[]; parts: SecretPart[] };

export type StepMeta = { actionId: string; actionType: ActionType; path: string; seq: number };

/**
 * Run bookends that ride with the first and last effect call instead of their own local activities:
 * each local activity is a round trip between the workflow and activity sides of the worker, which
 * costs more than the SQL it carries. Both writes are idempotent, so a retried call may repeat them.
 */
export type BeginInline = Omit<BeginRun, 'run' | 'flush'>;
/**
 * Set when nothing runs after this call: if every step of it completes, the activity also writes the
 * never-run steps and marks the execution completed, in the same transaction as the step rows.
 */
export type FinishIfDone = { skipped: StepWrite[] };

export type StepCall = {
  run: RunRef;
  step: StepMeta;
  /** The action with its templates resolved (run_script code is never templated). */
  action: { [key: string]: Json };
  /** `input` of run_script: { trigger, steps }. */
  scriptInput?: { trigger: Json; steps: Json; item?: Json; index?: number };
  /** Where the definition references workspace secrets: the activity opens them at the moment of the call. */
  secrets?: SecretField[];
  /** Step rows the workflow decided since the last activity (conditions, waits): written in the same round trip. */
  flush: StepWrite[];
  /** Regular (not local) activity: writes a running row first and heartbeats so a cancel reaches it. */
  remote: boolean;
  begin?: BeginInline;
  /** With the results so far, for the execution's output. */
  finish?: FinishIfDone & { steps: Record<string, StepResult> };
};

/** Consecutive local steps run in one local activity: one round trip and one batched row write for all of them. */
export type SegmentCall = {
  run: RunRef;
  trigger: Json;
  /** Results so far; the activity resolves each step's templates against these plus the segment's own outputs. */
  steps: Record<string, StepResult>;
  /** Inside a loop: the iteration's `{{item}}` and `{{index}}`. */
  scope?: { item: Json; index: number };
  /** `scope` per item: several iterations of a loop in one segment (see for-each.ts). */
  items: { meta: StepMeta; action: WorkflowAction; scope?: { item: Json; index: number } }[];
  flush: StepWrite[];
  /** Wall time after which the segment returns what it finished, so a cancel or a long history is noticed soon. */
  budgetMs: number;
  /** Bytes of step outputs after which the segment returns what it finished (its result is one history marker). */
  budgetBytes: number;
  begin?: BeginInline;
  finish?: FinishIfDone;
};
export type SegmentOutcome = {
  done: { actionId: string; output: Json; startedAt: string; completedAt: string }[];
  /** Every step completed and `finish` was applied: the execution is completed. */
  finished?: boolean;
  /** The step that failed (nothing after it ran); the workflow applies its retry policy and onFailure. */
  failed?: { actionId: string; message: string; retryable: boolean; startedAt: string; completedAt?: string; input: Json };
};

export type StepOutcome = { output: Json; attempts: number; startedAt: string; completedAt: string; finished?: boolean };

/**
 * Attached to a failed step's ApplicationFailure so the workflow can record the attempt count and
 * the attempt's times, both read on the activity's clock: the workflow's clock stands still during a
 * workflow task, so its "now" can be earlier than an activity's start (a negative duration).
 */
export type StepFailureDetails = { attempt: number; startedAt: string; completedAt?: string };

export type BeginRun = {
  run: RunRef;
  versionId: string | null;
  /** Set for schedule fires: the run creates its own execution row. */
  createExecution?: { trigger: TriggerPayload; input: Json; temporalWorkflowId: string };
  startedAt: string;
  flush: StepWrite[];
};

export type FinishRun = {
  run: RunRef;
  status: 'completed' | 'failed' | 'cancelled';
  output: Json;
  error: string | null;
  flush: StepWrite[];
};

export type StepView = { actionId: string; actionType: ActionType; path: string; status: StepStatus; error?: string; startedAt?: string; completedAt?: string };
export type Progress = { executionId: string | null; status: 'running' | 'completed' | 'failed' | 'cancelled'; steps: StepView[] };
export type RunSummary = { executionId: string; status: 'completed' | 'failed' | 'cancelled'; error: string | null; steps: Record<string, StepResult> };

/**
 * A call_workflow step's preparation: the target's published version is checked (active, manual,
 * within the loop guard's depth) and the child's execution row made with the id the caller chose.
 */
export type PrepareCall = {
  run: RunRef;
  step: StepMeta;
  /** Chosen by the calling workflow (deterministic), so a retried attempt finds the same row. */
  childExecutionId: string;
  childTemporalWorkflowId: string;
  targetWorkflowId: string;
  /** The resolved `input`: the child's {{trigger.payload}}. */
  input: Json;
};
/** The child's run input (already parsed with RunInputSchema by the activity) and its workflow's name. */
export type PreparedCall = { input: unknown; workflowName: string };

/** The activities as the workflow sees them (implemented by createActivities). */
export type RuntimeActivities = {
  prepareCall(p: PrepareCall): Promise<PreparedCall>;
  beginRun(a: BeginRun): Promise<void>;
  runStep(call: StepCall): Promise<StepOutcome>;
  runSegment(call: SegmentCall): Promise<SegmentOutcome>;
  recordSteps(rows: StepWrite[]): Promise<void>;
  finishRun(f: FinishRun): Promise<void>;
  openApproval(call: OpenApprovalCall): Promise<OpenApprovalResult>;
  settleApproval(s: SettleApproval): Promise<DecisionSignal | null>;
};

/** wait_for_approval: the signal the API sends once a decision is recorded (mirrored in @conduit/core/temporal). */
export const APPROVAL_SIGNAL = 'approvalDecision';

/** Creates the approval row and emails the approvers their links; idempotent per (execution, action). */
export type OpenApprovalCall = {
  run: RunRef;
  step: StepMeta;
  approvers: string[];
  message: string;
  onTimeout: 'approve' | 'reject' | 'fail';
  expiresAt: string;
  temporalWorkflowId: string;
};
export type OpenApprovalResult = { approvalId: string; notified: string[] };
/** The timer fired without a signal: the recorded decision if there is one, else the approval expires. */
export type SettleApproval = { run: RunRef; approvalId: string; at: string };

/** The failure type the workflow and activities agree on for a step that failed. */
export const STEP_ERROR = 'StepError';
