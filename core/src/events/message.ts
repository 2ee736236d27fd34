import { z } from 'zod';

/**
 * The queue message: only the id of a stored event (the event log is the source of truth, so a
 * message never carries a payload that could disagree with the row). workspaceId scopes the lookup.
 */
export const EventMessageSchema = z.object({
  eventId: z.string().uuid(),
  workspaceId: z.string().uuid(),
});
export type EventMessage = z.infer<typeof EventMessageSchema>;

/** What publishers hand to the queue: the stored event row (or its id and workspace). */
export type PublishableEvent = { id: string; workspaceId: string };

export const toMessage = (e: PublishableEvent): EventMessage => ({ eventId: e.id, workspaceId: e.workspaceId });
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
