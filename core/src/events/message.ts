import { z } from 'zod';
import { currentTraceparent } from '../tracing';

/**
 * The queue message: only the id of a stored event (the event log is the source of truth, so a
 * message never carries a payload that could disagree with the row). workspaceId scopes the lookup.
 */
export const EventMessageSchema = z.object({
  eventId: z.string().uuid(),
  workspaceId: z.string().uuid(),
  /** W3C trace context of the publisher's span (only when tracing is on): the dispatch joins its trace. */
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
});
export type EventMessage = z.infer<typeof EventMessageSchema>;

/**
 * What publishers hand to the queue: the stored event row (or its id and workspace). A row that is
 * already dispatched (a record change no workflow listens to is written so) is not sent.
 */
export type PublishableEvent = { id: string; workspaceId: string; dispatchedAt?: Date | null };

/** Whether the event still needs the dispatcher: every queue sends only these. */
export const needsDispatch = (e: PublishableEvent): boolean => e.dispatchedAt == null;

export const toMessage = (e: PublishableEvent): EventMessage => {
  const traceparent = currentTraceparent();
  return { eventId: e.id, workspaceId: e.workspaceId, ...(traceparent ? { traceparent } : {}) };
};
export const encodeMessage = (e: PublishableEvent): string => JSON.stringify(toMessage(e));

/** Parses a message body; null when it is not JSON or not a valid message (never throws). */
export function decodeMessage(body: string): EventMessage | null {
  try {
    const parsed = EventMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
