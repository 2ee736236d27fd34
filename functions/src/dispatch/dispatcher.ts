import type { Config } from '@conduit/core/config';
import type { Db } from '@conduit/core/db';
import {
  claimEvent,
  eventExists,
  finishEvent,
  findEventExecution,
  isUuid,
  keepEventPending,
  type ClaimedRun,
  type EventOutcome,
  type StoredEvent,
} from '@conduit/core/domain';
import type { Logger } from '@conduit/core/logging';
import { contextFromTraceparent, inSpan, SpanKind, TRACE_ATTR } from '@conduit/core/tracing';
import type { RunStarter, StartRunResult } from '../runs';

/** After this many failed attempts an event is marked failed and left for a human (replay). */
export const MAX_DISPATCH_ATTEMPTS = 8;

export type DispatchResult =
  | { status: 'missing' }
  | { status: 'already_dispatched' }
  | { status: 'loop_stopped' }
  | { status: 'dispatched'; runs: string[]; deduplicated: number };

export type Dispatcher = {
  /** Loads the event (scoped to its workspace when known) and dispatches it; throws when a run could not be started. */
  dispatchEventById(id: string, workspaceId?: string): Promise<DispatchResult>;
  dispatch(event: StoredEvent): Promise<DispatchResult>;
  /** The queue handler: a message is one stored event (and the trace context of whoever published it). */
  handle(message: { eventId: string; workspaceId?: string; traceparent?: string }): Promise<void>;
};

export type DispatcherDeps = {
  db: Db;
  runs: RunStarter;
  config: Pick<Config, 'LOOP_DEPTH_LIMIT'>;
  log?: Logger;
};

/**
 * Turns a stored event into runs: one per matching active workflow, each pinned to the active
 * version. Idempotent (executions are unique per (workflow, event)), so at-least-once delivery and
 * concurrent redelivery never start a second run. The outcome and dispatched_at go on the event row.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { db } = deps;
  const limit = deps.config.LOOP_DEPTH_LIMIT ?? 5;

  const finish = (id: string, status: 'dispatched' | 'loop_stopped' | 'failed', outcome: EventOutcome) => finishEvent(db, id, status, outcome);

  const claim = (id: string, workspaceId?: string) => claimEvent(db, { id, ...(workspaceId ? { workspaceId } : {}), maxDepth: limit });

  async function dispatch(stored: StoredEvent): Promise<DispatchResult> {
    if (stored.dispatchedAt) return { status: 'already_dispatched' };
    const claimed = await claim(stored.id, stored.workspaceId);
    if (!claimed) return { status: 'already_dispatched' };
    return run(claimed.event, claimed.runs);
  }

  /** Starts the run of one claimed row, unless an earlier attempt already took it past pending. */
  async function startClaimed(event: StoredEvent, c: ClaimedRun): Promise<StartRunResult> {
    let { executionId, state } = c;
    if (executionId === null) {
      const row = await findEventExecution(db, c.workflowId, event.id);
      if (!row) throw new Error(`no execution row for workflow ${c.workflowId}`);
      ({ id: executionId, status: state } = row);
    }
    if (state !== 'created' && state !== 'pending') return { executionId, deduplicated: true };
    const attributes = { [TRACE_ATTR.executionId]: executionId, [TRACE_ATTR.eventId]: event.id, [TRACE_ATTR.workflowId]: c.workflowId };
    // The Temporal client's span (and through its header, the workflow's) is a child of this one.
    return inSpan('start run', { attributes }, () =>
      deps.runs.launch({
        executionId,
        workspaceId: event.workspaceId,
        workflowId: c.workflowId,
        versionId: c.versionId,
        definition: { trigger: c.trigger, actions: c.actions },
        trigger: event.payload,
        eventId: event.id,
        causation: event.causation,
        recordId: event.recordId,
      }),
    );
  }

  async function run(event: StoredEvent, claimed: ClaimedRun[]): Promise<DispatchResult> {
    if (event.causation.depth > limit) {
      await finish(event.id, 'loop_stopped', {
        runs: [],
        deduplicated: 0,
        error: `stopped by the loop guard: causal depth ${event.causation.depth} is past the limit of ${limit}`,
      });
      deps.log?.warn('event stopped by the loop guard', { eventId: event.id, depth: event.causation.depth });
      return { status: 'loop_stopped' };
    }

    // No workflow accepted it: the claim already marked it dispatched.
    if (claimed.length === 0 && event.dispatchedAt) return { status: 'dispatched', runs: [], deduplicated: 0 };
    const results = await Promise.allSettled(claimed.map((c) => startClaimed(event, c)));
    const runs: string[] = [];
    let deduplicated = 0;
    const errors: string[] = [];
    for (const r of results) {
      if (r.status === 'fulfilled') {
        runs.push(r.value.executionId);
        if (r.value.deduplicated) deduplicated++;
      } else errors.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
    }
    if (errors.length > 0) {
      const outcome: EventOutcome = { runs, deduplicated, error: errors[0] };
      if (event.attempts >= MAX_DISPATCH_ATTEMPTS) {
        await finish(event.id, 'failed', outcome);
        deps.log?.error('event failed after its last attempt', { eventId: event.id, error: errors[0] });
        return { status: 'dispatched', runs, deduplicated };
      }
      // Left pending (the error kept for the log): the queue redelivers it, or the sweeper re-publishes
      // it; runs that did start deduplicate next time.
      await keepEventPending(db, event.id, outcome);
      throw new Error(`event ${event.id}: ${errors.length} of ${results.length} runs failed to start: ${errors[0]}`);
    }
    await finish(event.id, 'dispatched', { runs, deduplicated });
    return { status: 'dispatched', runs, deduplicated };
  }

  async function dispatchEventById(id: string, workspaceId?: string): Promise<DispatchResult> {
    if (!isUuid(id) || (workspaceId !== undefined && !isUuid(workspaceId))) return { status: 'missing' };
    const claimed = await claim(id, workspaceId);
    if (claimed) return run(claimed.event, claimed.runs);
    return (await eventExists(db, id, workspaceId)) ? { status: 'already_dispatched' } : { status: 'missing' };
  }

  return {
    dispatch,
    dispatchEventById,
    async handle(message) {
      // A consumer span continuing the publisher's trace (the ingress request, the record change).
      await inSpan(
        'dispatch event',
        {
          kind: SpanKind.CONSUMER,
          parent: contextFromTraceparent(message.traceparent),
          attributes: { [TRACE_ATTR.eventId]: message.eventId, ...(message.workspaceId ? { [TRACE_ATTR.workspaceId]: message.workspaceId } : {}) },
        },
        () => dispatchEventById(message.eventId, message.workspaceId),
      );
    },
  };
}
