/** What every trigger type declares besides its schema. Zod-free: the browser and the API read it. */

/** How runs of this trigger start: the schedule service, the webhook ingress, or a record event. */
export type TriggerSource =
  | { kind: 'schedule' }
  | { kind: 'webhook' }
  /** Matched by the dispatcher against record events of this type. */
  | { kind: 'record'; event: 'record.created' | 'record.updated' | 'record.deleted' };

export type TriggerMeta<T extends { type: string }> = {
  type: T['type'];
  /** A person's name for the type, as the builder shows it. */
  label: string;
  source: TriggerSource;
  /** The trigger in words ("When a deal is created"). */
  summary: (trigger: T) => string;
};

export const defineTriggerMeta = <T extends { type: string }>(meta: TriggerMeta<T>): TriggerMeta<T> => meta;

export const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
