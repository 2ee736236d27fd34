/** What every trigger type declares besides its schema. Zod-free: the browser and the API read it. */

/** How runs of this trigger start: the schedule service, the webhook ingress, or a record event. */
export type TriggerSource =
  | { kind: 'schedule' }
  | { kind: 'webhook' }
  /** Matched by the dispatcher against record events of this type. */
  | { kind: 'record'; event: 'record.created' | 'record.updated' | 'record.deleted' }
  /** Started by a person or a calling workflow (POST …/workflows/:id/run, call_workflow). */
  | { kind: 'manual' }
  /** Matched by the dispatcher against run.failed events (written when a run ends failed). */
  | { kind: 'run' };

/** A `{{trigger.…}}` variable as the editor's picker offers it. */
export type TriggerVariable = { value: string; label: string; group: string };

export type TriggerMeta<T extends { type: string }> = {
  type: T['type'];
  /** A person's name for the type, as the builder shows it. */
  label: string;
  source: TriggerSource;
  /** The trigger in words ("When a deal is created"). */
  summary: (trigger: T) => string;
  /** The `{{trigger.…}}` variables its runs offer; `fields` are the object's known record fields. */
  variables: (trigger: T, fields: readonly string[]) => TriggerVariable[];
  /** A payload to start a test run from; `record` is a real record of the object, when there is one. */
  sample: (trigger: T, at: { now: string; record?: { id: string; data: Record<string, unknown> } }) => Record<string, unknown>;
  /** A person's test sample (only the record, only the body, …) shaped like this trigger's payload. */
  shapeSample: (trigger: T, sample: unknown, now: string) => unknown;
};

export const defineTriggerMeta = <T extends { type: string }>(meta: TriggerMeta<T>): TriggerMeta<T> => meta;

export const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
