import type { Db } from '@conduit/core/db';
import { admitQueuedRuns, finishExecution, requeueRun, workspacesWithQueuedRuns } from '@conduit/core/domain';
import type { Logger } from '@conduit/core/logging';
import { startPeriodic, type Periodic } from '../periodic';
import type { RunStarter } from './start-run';

export type RunPromoter = {
  /** Starts queued runs into their workspaces' free slots (all workspaces, or the ones given). */
  promoteOnce(workspaceIds?: string[]): Promise<{ started: number }>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
};

/**
 * Starts runs that waited, queued, for a free concurrent-run slot: oldest first per workspace,
 * as many as the workspace has free. A start that fails puts the run back in the queue, so the
 * next pass tries it again (nothing else would).
 */
export function createRunPromoter(deps: { db: Db; runs: RunStarter; log?: Logger }): RunPromoter {
  let periodic: Periodic | undefined;

  async function promoteWorkspace(workspaceId: string): Promise<number> {
    const { ready, orphaned } = await admitQueuedRuns(deps.db, workspaceId);
    for (const executionId of orphaned)
      await finishExecution(deps.db, {
        workspaceId,
        executionId,
        status: 'failed',
        error: 'the run waited for a free slot, and its event or workflow version was deleted meanwhile',
      });
    const results = await Promise.allSettled(ready.map(({ executionId, ...input }) => deps.runs.launch({ ...input, executionId })));
    let started = 0;
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') {
        started++;
        continue;
      }
      const run = ready[i];
      if (!run) continue;
      await requeueRun(deps.db, { workspaceId, executionId: run.executionId });
      deps.log?.warn('a queued run could not start; it stays queued', {
        executionId: run.executionId,
        error: r.reason instanceof Error ? r.reason.message : String(r.reason),
      });
    }
    return started;
  }

  async function promoteOnce(workspaceIds?: string[]) {
    const ids = workspaceIds ?? (await workspacesWithQueuedRuns(deps.db));
    let started = 0;
    for (const id of ids) started += await promoteWorkspace(id);
    return { started };
  }

  return {
    promoteOnce,
    start(intervalMs = 1_000) {
      periodic ??= startPeriodic(promoteOnce, intervalMs, (err) => deps.log?.warn('queued runs not promoted; next pass retries', { error: reason(err) }));
    },
    async stop() {
      await periodic?.stop();
      periodic = undefined;
    },
  };
}

/** The error's message, and its cause's (a failed query's driver error says what went wrong). */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message.split('\n')[0]}: ${err.cause.message}` : err.message;
}
