import type { Client } from '@temporalio/client';
import type { Db } from '@conduit/core/db';
import type { Logger } from '@conduit/core/logging';
import { createRunPromoter, type RunPromoter } from '@conduit/core/run-promoter';
import { createRunStarter } from '@conduit/core/run-starter';
import type { RunEvents } from './activities/types';

export type WorkerPromotion = {
  /** Pass to createWorker: runs ending here free their workspace's slot. */
  runEvents: RunEvents;
  start(): void;
  stop(): Promise<void>;
};

/**
 * The standalone worker (compose's worker service, the cloud's ECS task) starts the runs queued
 * behind a workspace's concurrent-run limit as soon as one of that workspace's runs ends or begins a
 * durable wait here: the dispatcher that queued them (a Lambda in the cloud) has no process that
 * hears runs end, and would otherwise start them only with its next batch or the minute's sweep. A pass every `intervalMs`
 * learns which workspaces have runs queued; workspaces with none cost nothing when their runs end.
 * Promoted runs were counted toward the quota when queued, so no quota mail is sent from here.
 */
export function workerPromotion(deps: {
  db: Db;
  temporal: Client;
  intervalMs: number;
  concurrentStarts: number;
  log?: Logger;
  /** Also told of every run beginning and ending (the worker's metrics). */
  also?: RunEvents | null;
}): WorkerPromotion {
  // Eager start: the client shares the worker's connection, so the first task comes straight back here.
  const runs = createRunStarter({ db: deps.db, temporal: deps.temporal, eagerStart: true, concurrentStarts: deps.concurrentStarts });
  const promoter = createRunPromoter({ db: deps.db, runs, ...(deps.log ? { log: deps.log } : {}) });
  return {
    runEvents: slotEvents(() => promoter, deps.also),
    start: () => promoter.start(deps.intervalMs),
    stop: () => promoter.stop(),
  };
}

/**
 * The worker's run events that free a workspace's slot (a run ended, or began a durable wait), told
 * to the promoter `current()` returns (none: `npm start` with dispatch off), and passed on to `also`.
 */
export function slotEvents(current: () => Pick<RunPromoter, 'slotFreed'> | undefined, also?: RunEvents | null): RunEvents {
  return {
    began: () => also?.began(),
    finished(status, workspaceId) {
      also?.finished(status, workspaceId);
      current()?.slotFreed(workspaceId);
    },
    waiting(workspaceId) {
      also?.waiting?.(workspaceId);
      current()?.slotFreed(workspaceId);
    },
  };
}
