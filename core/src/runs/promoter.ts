import type { Db } from '../db';
import { admitQueuedRuns, finishExecution, requeueRun, workspacesWithQueuedRuns } from '../domain';
import type { Logger } from '../logging';
import { startPeriodic, type Periodic } from './periodic';
import type { RunStarter } from './start-run';

export type RunPromoter = {
  /** Starts queued runs into their workspaces' free slots (all workspaces, or the ones given). */
  promoteOnce(workspaceIds?: string[]): Promise<{ started: number }>;
  /** A run of the workspace was queued (the run starter's onQueued). */
  queued(workspaceId: string): void;
  /**
   * A run of the workspace ended (the worker's runEvents, where it shares the process): when runs of
   * it wait queued, the next start now instead of at the next pass.
   */
  slotFreed(workspaceId: string): void;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
};

/**
 * Starts runs that waited, queued, for a free concurrent-run slot: oldest first per workspace,
 * as many as the workspace has free. A start that fails puts the run back in the queue, so the
 * next pass tries it again (nothing else would). Passes run on a period; in a process that also
 * hears runs end, a workspace with runs queued gets one as soon as one of its runs ends, so a
 * workspace at its limit keeps its slots busy instead of idling until the next pass.
 */
export function createRunPromoter(deps: { db: Db; runs: RunStarter; log?: Logger }): RunPromoter {
  let periodic: Periodic | undefined;
  let stopped = false;
  /** Workspaces with runs queued, as last seen: only their ended runs cost a pass (none when nothing waits). */
  const waiting = new Set<string>();
  /** Per workspace, the pass in flight for freed slots, and whether another slot freed during it. */
  const passes = new Map<string, { again: boolean; done: Promise<void> }>();

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
    let ids = workspaceIds;
    if (!ids) {
      const known = [...waiting];
      ids = await workspacesWithQueuedRuns(deps.db);
      // Forget only what was known before the query: a workspace queued meanwhile stays.
      for (const id of known) if (!ids.includes(id)) waiting.delete(id);
      for (const id of ids) waiting.add(id);
    }
    let started = 0;
    for (const id of ids) started += await promoteWorkspace(id);
    return { started };
  }

  /** One pass at a time per workspace; slots freed during it make one more pass after it. */
  function slotFreed(workspaceId: string): void {
    if (stopped || !waiting.has(workspaceId)) return;
    const pass = passes.get(workspaceId);
    if (pass) {
      pass.again = true;
      return;
    }
    const state = { again: true, done: Promise.resolve() };
    state.done = (async () => {
      try {
        while (state.again && !stopped) {
          state.again = false;
          await promoteWorkspace(workspaceId);
        }
      } catch (err) {
        deps.log?.warn('queued runs not promoted; next pass retries', { error: reason(err) });
      } finally {
        passes.delete(workspaceId);
      }
    })();
    passes.set(workspaceId, state);
  }

  return {
    promoteOnce,
    queued: (workspaceId) => void waiting.add(workspaceId),
    slotFreed,
    start(intervalMs = 1_000) {
      // A pass at once too: a process starting (a deploy, a restart) finds what queued meanwhile.
      periodic ??= startPeriodic(promoteOnce, intervalMs, (err) => deps.log?.warn('queued runs not promoted; next pass retries', { error: reason(err) }), {
        runAtStart: true,
      });
    },
    async stop() {
      stopped = true;
      await periodic?.stop();
      periodic = undefined;
      await Promise.all([...passes.values()].map((p) => p.done));
    },
  };
}

/** The error's message, and its cause's (a failed query's driver error says what went wrong). */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message.split('\n')[0]}: ${err.cause.message}` : err.message;
}
