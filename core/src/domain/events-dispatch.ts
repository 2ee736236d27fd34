import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { EXECUTION_STATUSES, TRIGGER_TYPES_BY_RECORD_EVENT, type ExecutionStatus, type WorkflowAction, type WorkflowTrigger } from '../definition';
import { events, type EventOutcome } from '../db/schema';
import type { Db } from '../db/client';
import { preparedQuery, preparedSql } from '../db/prepared';
import { rowFromDriver, rowsOf } from '../db/driver-row';
import { RUN_WORKFLOW_ID_PREFIX } from '../temporal';
import { NO_RUNS_OUTCOME, type StoredEvent } from './events';

// The dispatcher's and the outbox sweeper's statements (functions/src/dispatch). The claim and the
// finish are on every event's path and tuned for it: one prepared statement each.

/** An active workflow whose trigger accepts the event, with the pinned definition of its active version. */
export type Candidate = {
  workflowId: string;
  workspaceId: string;
  versionId: string;
  trigger: WorkflowTrigger;
  actions: WorkflowAction[];
};

/** A candidate with the execution row its run starts on. */
export type ClaimedRun = Candidate & {
  /** Null only when a concurrent claim of the same event made the row after this one began: look it up. */
  executionId: string | null;
  /** 'created' by this claim; otherwise the status of the row an earlier attempt made. */
  state: 'created' | ExecutionStatus | null;
};

const ClaimedSchema = z.object({
  event: z.record(z.string(), z.unknown()),
  runs: z.array(
    z.object({
      workflowId: z.string(),
      workspaceId: z.string(),
      versionId: z.string(),
      // Stored JSON, validated when the version was published and again by the run starter.
      trigger: z.custom<WorkflowTrigger>((v) => typeof v === 'object' && v !== null),
      actions: z.custom<WorkflowAction[]>((v) => Array.isArray(v)),
      executionId: z.string().nullable(),
      state: z.enum(['created', ...EXECUTION_STATUSES]).nullable(),
    }),
  ),
});

const recordTriggerTypes = sql.join(
  Object.entries(TRIGGER_TYPES_BY_RECORD_EVENT).map(([type, types]) => sql`when ${type} then ${`{${types.join(',')}}`}::text[]`),
  sql` `,
);

// In the claim's update: no workflow accepts the event and it is within the loop guard's depth.
const done = sql`not exists (select 1 from accepted) and coalesce((causation->>'depth')::int, 0) <= ${sql.placeholder('maxDepth')}::int`;

// Every event: prepared once per connection. One statement, so one commit, from the event to its
// runs' execution rows; the Temporal starts follow.
const claimStatement = preparedSql(
  'event_claim',
  sql`
  with ev as (
    select * from events
     where id = ${sql.placeholder('id')}::uuid and dispatched_at is null
       and (${sql.placeholder('workspaceId')}::uuid is null or workspace_id = ${sql.placeholder('workspaceId')}::uuid)
  ), matched as (
    select w.id as "workflowId", w.workspace_id as "workspaceId", v.id as "versionId", v.trigger, v.actions
      from ev claimed
      join workflows w on w.workspace_id = claimed.workspace_id and w.is_active
       and w.active_trigger_type = any(case claimed.type ${recordTriggerTypes} end)
       and w.active_trigger_object = claimed.object
      join workflow_versions v on v.id = w.active_version_id and v.workspace_id = w.workspace_id
    union all
    select w.id, w.workspace_id, v.id, v.trigger, v.actions
      from ev claimed
      join workflows w on w.id = claimed.workflow_id and w.workspace_id = claimed.workspace_id and w.is_active
       and w.active_trigger_type = 'webhook'
      join workflow_versions v on v.id = w.active_version_id and v.workspace_id = w.workspace_id
     where claimed.type = 'webhook.received'
    union all
    -- run_failed: workflows watching the failed one (or every one), never the failed workflow itself.
    select w.id, w.workspace_id, v.id, v.trigger, v.actions
      from ev claimed
      join workflows w on w.workspace_id = claimed.workspace_id and w.is_active
       and w.active_trigger_type = 'run_failed'
       and (w.active_trigger_object is null or w.active_trigger_object = claimed.workflow_id::text)
       and w.id <> claimed.workflow_id
      join workflow_versions v on v.id = w.active_version_id and v.workspace_id = w.workspace_id
     where claimed.type = 'run.failed'
  ), accepted as (
    -- Type and object matched above; field_changed also needs the field among the changed ones and
    -- its optional from / to equal (jsonb equality: key order and number spelling do not matter).
    select gen_random_uuid() as "executionId", m.*
      from matched m cross join ev c
     where m.trigger->>'type' <> 'field_changed' or (
       c.payload->'changed' ? (m.trigger->>'field')
       and (not m.trigger ? 'from' or c.payload->'previous'->(m.trigger->>'field') = m.trigger->'from')
       and (not m.trigger ? 'to' or c.payload->'record'->(m.trigger->>'field') = m.trigger->'to'))
  ), claimed as (
    -- The claim counts the attempt. An event no workflow accepts (most record changes) is done here
    -- too, in the same write: no second statement to mark it dispatched. Past the loop guard's depth
    -- the dispatcher marks it stopped instead.
    update events set attempts = attempts + 1,
           status = case when ${done} then 'dispatched' else status end,
           outcome = case when ${done} then ${NO_RUNS_OUTCOME} else outcome end,
           dispatched_at = case when ${done} then now() end
     where id = ${sql.placeholder('id')}::uuid and dispatched_at is null
       and (${sql.placeholder('workspaceId')}::uuid is null or workspace_id = ${sql.placeholder('workspaceId')}::uuid)
    returning *
  ), created as (
    -- Past the loop guard's depth no run starts, so no row is made.
    insert into workflow_executions (id, workspace_id, workflow_id, version_id, event_id, input, status, record_id, temporal_workflow_id)
    select a."executionId", a."workspaceId", a."workflowId", a."versionId", c.id, c.payload, 'pending', c.record_id, ${RUN_WORKFLOW_ID_PREFIX} || a."executionId"
      from accepted a cross join claimed c
     where coalesce((c.causation->>'depth')::int, 0) <= ${sql.placeholder('maxDepth')}::int
    on conflict (workflow_id, event_id) do nothing
    returning id
  )
  select to_jsonb(claimed) as event, coalesce((
    -- Existing rows are read from the statement's snapshot: the ones earlier attempts made.
    select jsonb_agg(to_jsonb(a) || jsonb_build_object(
             'executionId', coalesce(n.id, x.id),
             'state', case when n.id is not null then 'created' else x.status end))
      from accepted a
      left join created n on n.id = a."executionId"
      left join workflow_executions x on x.workflow_id = a."workflowId" and x.event_id = claimed.id
  ), '[]'::jsonb) as runs
    from claimed`,
);

/**
 * Claims an event, finds the active workflows whose triggers accept it, and makes their pending
 * execution rows, in one statement. The claim counts the attempt (an event that crashes the
 * dispatcher still runs out of attempts) and finds nothing when the event is missing, already
 * dispatched, or in another workspace. Record events match with workflows_dispatch_idx (workspace,
 * trigger type, object, partial on is_active), so the cost does not grow with the number of
 * workflows in the workspace; a webhook event names its one workflow. Rows are unique per
 * (workflow, event), so a redelivered event finds the rows of its first attempt instead.
 */
export async function claimEvent(
  db: Db,
  q: { id: string; workspaceId?: string; maxDepth: number },
): Promise<{ event: StoredEvent; runs: ClaimedRun[] } | null> {
  const result = await claimStatement(db).execute({ id: q.id, workspaceId: q.workspaceId ?? null, maxDepth: q.maxDepth });
  const raw = rowsOf<unknown>(result)[0];
  if (!raw) return null;
  const row = ClaimedSchema.parse(raw);
  return { event: rowFromDriver(events, row.event), runs: row.runs };
}

// Every event ends with this: a prepared statement.
const finishQuery = preparedQuery('event_finish', (db, name) =>
  db
    .update(events)
    .set({ status: sql`${sql.placeholder('status')}`, outcome: sql`${sql.placeholder('outcome')}::jsonb`, dispatchedAt: sql`now()` })
    .where(eq(events.id, sql.placeholder('id')))
    .prepare(name),
);

/** Marks an event done (dispatched, stopped by the loop guard, or failed for good) with its outcome. */
export function finishEvent(db: Db, id: string, status: 'dispatched' | 'loop_stopped' | 'failed', outcome: EventOutcome) {
  return finishQuery(db).execute({ id, status, outcome: JSON.stringify(outcome) });
}

/** Keeps the event pending (it will be retried) with the outcome of this attempt, for the log. */
export async function keepEventPending(db: Db, id: string, outcome: EventOutcome): Promise<void> {
  await db.update(events).set({ outcome }).where(eq(events.id, id));
}

/** Whether the event exists (in the workspace, when given); asked after a claim found nothing. */
export async function eventExists(db: Db, id: string, workspaceId?: string): Promise<boolean> {
  const [exists] = await db
    .select({ id: events.id })
    .from(events)
    .where(workspaceId ? and(eq(events.id, id), eq(events.workspaceId, workspaceId)) : eq(events.id, id));
  return !!exists;
}

/**
 * Events the sweeper re-sends: undispatched, older than the cutoff, attempts left, and not re-sent
 * within their backoff (re-send n waits olderThanMs × 2^n after re-send n-1, up to maxBackoffMs;
 * database clock, as swept_at is). Oldest first.
 */
export async function eventsDueForSweep(
  db: Db,
  q: { cutoff: Date; olderThanMs: number; maxBackoffMs: number; maxAttempts: number; limit: number },
): Promise<{ id: string; workspaceId: string }[]> {
  const { cutoff, olderThanMs, maxBackoffMs } = q;
  const backoff = sql`least(${olderThanMs}::float8 * power(2, least(${events.sweeps}, 20)), ${maxBackoffMs}::float8) * interval '1 millisecond'`;
  // events_undispatched_idx: received_at where dispatched_at is null.
  return db
    .select({ id: events.id, workspaceId: events.workspaceId })
    .from(events)
    .where(
      and(
        isNull(events.dispatchedAt),
        lt(events.receivedAt, cutoff),
        lt(events.attempts, q.maxAttempts),
        or(isNull(events.sweptAt), sql`${events.sweptAt} < now() - ${backoff}`),
      ),
    )
    .orderBy(asc(events.receivedAt))
    .limit(q.limit);
}

/** Counts one re-send of each event (its backoff doubles). */
export async function markEventsSwept(db: Db, ids: string[]): Promise<void> {
  await db
    .update(events)
    .set({ sweeps: sql`${events.sweeps} + 1`, sweptAt: sql`now()` })
    .where(inArray(events.id, ids));
}
