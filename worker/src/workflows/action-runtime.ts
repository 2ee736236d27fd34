import type { ActionType, RetryPolicy, WorkflowAction } from '@conduit/core/definition';

/**
 * What the interpreter needs to know about each action type to run it: where it runs, how it is
 * retried, how long one attempt may take, which fields are never templated. The interpreter reads
 * these facts only through the functions below, so they can move to per-type modules without
 * touching it. Types only from core: this module is part of the workflow bundle.
 */
export type Placement = 'workflow' | 'local' | 'activity';

/** Effects run in activities; `wait` and `condition` are evaluated inside the workflow. */
const PLACEMENT = {
  send_email: 'activity',
  send_webhook: 'activity',
  create_record: 'local',
  update_record: 'local',
  delete_record: 'local',
  run_script: 'local',
  wait: 'workflow',
  condition: 'workflow',
} as const satisfies Record<ActionType, Placement>;

/**
 * Local activities are fast but only see a cancel at the next workflow-task heartbeat (seconds),
 * so a script allowed to run long goes through a regular, heartbeating activity instead.
 */
export const LOCAL_SCRIPT_MAX_CPU_MS = 2_000;

export function placementOf(action: WorkflowAction): Placement {
  return action.type === 'run_script' && action.cpuMs > LOCAL_SCRIPT_MAX_CPU_MS ? 'activity' : PLACEMENT[action.type];
}

const EFFECT_RETRY: RetryPolicy = { maxAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 60_000 };
const RECORD_RETRY: RetryPolicy = { maxAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 5_000 };
/** Inline types never retry: they have no attempts, this is only for completeness. */
const NO_RETRY: RetryPolicy = { maxAttempts: 1, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 10_000 };

/** Defaults when an action gives no retry policy: effects outside retry, record writes retry transient errors, scripts do not. */
const DEFAULT_RETRY: Record<ActionType, RetryPolicy> = {
  send_email: EFFECT_RETRY,
  send_webhook: EFFECT_RETRY,
  create_record: RECORD_RETRY,
  update_record: RECORD_RETRY,
  delete_record: RECORD_RETRY,
  run_script: NO_RETRY,
  wait: NO_RETRY,
  condition: NO_RETRY,
};

/** The action's own retry policy, else its type's default. */
export function retryPolicyOf(action: WorkflowAction): RetryPolicy {
  return action.retry ?? DEFAULT_RETRY[action.type];
}

/** How long one attempt of the action may take where it runs (local or regular activity). */
export function startToCloseMs(action: WorkflowAction, placement: Placement): number {
  if (action.type === 'run_script') return action.cpuMs + 30_000;
  if (placement === 'local') return 30_000;
  return action.type === 'send_webhook' ? action.timeoutMs + 10_000 : 60_000;
}

/** Fields copied as written: structure, policy, and script code (data to the sandbox, never a template). */
const RAW_FIELDS: ReadonlySet<string> = new Set(['name', 'retry', 'onFailure', 'code']);

/** The fields of the action that resolveAction copies without templating. */
export function rawFieldsOf(_action: WorkflowAction): ReadonlySet<string> {
  return RAW_FIELDS;
}
