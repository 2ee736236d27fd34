/**
 * What every action type declares besides its schema. Zod-free on purpose: the Temporal workflow
 * bundle and the browser read these facts, and the bundle must not build schemas (see
 * worker/test/workflow-bundle.test.ts).
 */
import type { RetryPolicy } from './common';

/**
 * Where a step runs: `workflow` is evaluated by the interpreter itself (deterministic, no I/O);
 * `local` is a local activity (fast, in the worker's process, no heartbeat); `activity` is a regular,
 * heartbeating activity (slow outside effects, cancellable while they run).
 */
export type Placement = 'workflow' | 'local' | 'activity';

/** The fields every action has; the interpreter copies them as written. */
export const COMMON_RAW_FIELDS = ['name', 'retry', 'onFailure'] as const;
/** Never part of a step's input: identity and structure. */
export const COMMON_STRUCTURAL_FIELDS = ['id', 'type'] as const;

/** What one field of a step's output holds, as the variable picker and the loop's Items check see it. */
export type OutputKind = 'list' | 'object' | 'text' | 'number' | 'boolean' | 'any';
/** One field of a step's output (`{{steps.<id>.output.<key>}}`) and a few words on it. */
export type OutputField = { key: string; kind: OutputKind; description: string };

export type ActionMeta<A extends { type: string }> = {
  type: A['type'];
  /** A person's name for the type, as the builder and the run timeline show it. */
  label: string;
  /** One sentence for the builder's picker. */
  description: string;
  /** Base of new action ids ("email" → email, email_2, …), so `{{steps.<id>}}` stays readable. */
  idBase: string;
  placement: Placement | ((action: A) => Placement);
  /** Retry policy when the action sets none; null for types the workflow evaluates. */
  retry: RetryPolicy | null;
  /** Start-to-close timeout of one attempt, for types that run as activities. */
  timeoutMs: ((action: A) => number) | null;
  /** Fields copied as written instead of templated (besides name, retry and onFailure). */
  rawFields: readonly string[];
  /** Fields that are structure, not input (besides id and type): never templated nor stored as input. */
  structuralFields: readonly string[];
  /** The handler is given the run so far ({ trigger, steps }) besides its resolved fields (a script's `input`). */
  receivesRunContext?: boolean;
  /** The nested action lists of this action, with their key, for walking a definition. */
  children?: (action: A) => readonly { key: string; actions: readonly unknown[] }[];
  /**
   * Set when the step's output is known before its nested lists run, so a step inside may use it (a
   * condition decides, then runs a branch). Unset, a step inside cannot: a loop's output is only
   * known once every item has run.
   */
  outputBeforeChildren?: true;
  /** Fields that may hold `{{secrets.NAME}}` references; the activity puts the values in at call time. */
  secretFields?: readonly string[];
  /** A person's name for fields, where the key alone reads badly ("query" → "Query parameters"). */
  fieldLabels?: Readonly<Record<string, string>>;
  /** The action in words, for lists and timelines ("Email to ada@example.com"). */
  summary: (action: A) => string;
  /**
   * Set for types with an effect outside the run (mail, HTTP, record writes, asking people): a dry
   * test run records the step with its resolved input and these words instead of doing it
   * ("Would have sent this email"). Absent: the step really runs in a dry run (reads, logic).
   */
  wouldHave?: string;
  /**
   * While its step runs, the run waits durably (a timer, a signal, a child run) and holds no worker,
   * so it does not count toward its workspace's concurrent runs (conduit_runs_in_flight in
   * core/drizzle/0012_admit_run.sql lists the same types; core/test/admission.test.ts checks).
   */
  waitsDurably?: true;
};

/** Identity at the type level: checks a meta table entry against its action type. */
export const defineActionMeta = <A extends { type: string }>(meta: ActionMeta<A>): ActionMeta<A> => meta;

/** Short text for a summary: templates stay as written, long values are cut. */
export function brief(value: unknown, max = 60): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
