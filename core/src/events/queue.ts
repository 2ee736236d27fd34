import type { EventMessage, PublishableEvent } from './message';

/** Consumes one message; throwing means "not handled", and the queue delivers it again later. */
export type EventHandler = (message: EventMessage) => Promise<void>;

/**
 * The transport between whoever stores an event (ingress, the record outbox, replay, the sweeper)
 * and the dispatcher. Delivery is at least once; the dispatcher is idempotent per (workflow, event).
 * A failed publish is not fatal to the caller: the event row is already committed and the
 * sweeper re-publishes anything left undispatched.
 */
export interface EventQueue {
  readonly kind: 'in-process' | 'sqs';
  publish(event: PublishableEvent): Promise<void>;
  publishMany?(events: PublishableEvent[]): Promise<void>;
  /** Begins consuming with `handler` (the in-process adapter already has one; SQS polls). */
  start?(handler?: EventHandler): void;
  /** Stops consuming; resolves once in-flight messages are settled. */
  stop?(): Promise<void>;
}
