import type { Db } from '@conduit/core/db';
import { replayEvent, type ReplayResult } from '@conduit/core/domain';
import type { EventQueue } from '@conduit/core/events';

/**
 * Replays an event from the log (see replayEvent for reset vs copy) and publishes it. A failed
 * publish still leaves the event undispatched, so the sweeper sends it; the call does not fail.
 */
export async function replayAndPublish(deps: { db: Db; queue: EventQueue }, q: { workspaceId: string; id: string }): Promise<ReplayResult | null> {
  const result = await replayEvent(deps.db, q);
  if (!result) return null;
  await deps.queue.publish(result.event).catch(() => {});
  return result;
}
