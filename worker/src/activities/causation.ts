import type { Causation } from '@conduit/core/definition';
import type { StoredEvent } from '@conduit/core/domain';
import type { ActivityDeps, StepContext } from './types';

/** Events a run causes carry the chain that led to them, so the dispatcher can stop loops. */
export const causedBy = (ctx: StepContext): Causation => ({
  depth: ctx.run.causation.depth + 1,
  chain: [...ctx.run.causation.chain, ctx.run.executionId].slice(-50),
});

/** After commit: the outbox row is already stored, so a failed publish only delays delivery to the sweeper. */
export async function publishAfterCommit(deps: ActivityDeps, event: StoredEvent): Promise<void> {
  try {
    await deps.queue.publish(event);
  } catch (e) {
    deps.logger.warn('event publish failed; the outbox sweeper will deliver it', { eventId: event.id, error: (e as Error).message });
  }
}
