import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { events, preparedSql, rowFromDriver, rowsOf, type Db } from '@conduit/core/db';
import type { Json, JsonObject, TriggerPayload, TriggerType, WorkflowAction, WorkflowTrigger } from '@conduit/core/definition';
import { jsonEqual, type StoredEvent } from '@conduit/core/domain';

/** An active workflow with the pinned definition of its active version. */
export type Candidate = {
  workflowId: string;
  workspaceId: string;
  versionId: string;
  trigger: WorkflowTrigger;
  actions: WorkflowAction[];
};

/** The trigger types a record event can fire, by event type (a webhook event names its one workflow). */
const RECORD_TRIGGER_TYPES: Record<string, TriggerType[]> = {
  'record.created': ['record_created'],
  'record.updated': ['record_updated', 'field_changed'],
  'record.deleted': ['record_deleted'],
};

const ClaimedSchema = z.object({
  event: z.record(z.string(), z.unknown()),
  candidates: z.array(z.object({
    workflowId: z.string(), workspaceId: z.string(), versionId: z.string(),
    // Stored JSON, validated when the version was published and again by the run starter.
    trigger: z.custom<WorkflowTrigger>((v) => typeof v === 'object' && v !== null),
    actions: z.custom<WorkflowAction[]>((v) => Array.isArray(v)),
  })),
});

const recordTriggerTypes = sql.join(
  Object.entries(RECORD_TRIGGER_TYPES).map(([type, types]) => sql`when ${type} then ${`{${types.join(',')}}`}::text[]`),
  sql` `,
);

// Every event: prepared once per connection.
const claimStatement = preparedSql('event_claim', sql`
  with claimed as (
    update events set attempts = attempts + 1
     where id = ${sql.placeholder('id')}::uuid and dispatched_at is null
       and (${sql.placeholder('workspaceId')}::uuid is null or workspace_id = ${sql.placeholder('workspaceId')}::uuid)
    returning *
  ), matched as (
    select w.id as "workflowId", w.workspace_id as "workspaceId", v.id as "versionId", v.trigger, v.actions
      from claimed
      join workflows w on w.workspace_id = claimed.workspace_id and w.is_active
       and w.active_trigger_type = any(case claimed.type ${recordTriggerTypes} end)
       and w.active_trigger_object = claimed.object
      join workflow_versions v on v.id = w.active_version_id and v.workspace_id = w.workspace_id
    union all
    select w.id, w.workspace_id, v.id, v.trigger, v.actions
      from claimed
      join workflows w on w.id = claimed.workflow_id and w.workspace_id = claimed.workspace_id and w.is_active
       and w.active_trigger_type = 'webhook'
      join workflow_versions v on v.id = w.active_version_id and v.workspace_id = w.workspace_id
     where claimed.type = 'webhook.received'
  )
  select to_jsonb(claimed) as event, coalesce((select jsonb_agg(to_jsonb(matched)) from matched), '[]'::jsonb) as candidates
    from claimed`);

/**
 * Claims an event and finds the active workflows it may start, in one statement. The claim counts
 * the attempt (an event that crashes the dispatcher still runs out of attempts) and finds nothing
 * when the event is missing, already dispatched, or in another workspace. Record events match with
 * workflows_dispatch_idx (workspace, trigger type, object, partial on is_active), so the cost does
 * not grow with the number of workflows in the workspace; a webhook event names its one workflow.
 */
export async function claimEvent(db: Db, id: string, workspaceId?: string): Promise<{ event: StoredEvent; candidates: Candidate[] } | null> {
  const result = await claimStatement(db).execute({ id, workspaceId: workspaceId ?? null });
  const raw = rowsOf<unknown>(result)[0];
  if (!raw) return null;
  const row = ClaimedSchema.parse(raw);
  return { event: rowFromDriver(events, row.event), candidates: row.candidates };
}

/** Whether a candidate's trigger accepts this event (type and object are already matched by the query). */
export function triggerAccepts(trigger: WorkflowTrigger, payload: TriggerPayload): boolean {
  switch (trigger.type) {
    case 'webhook':
      return payload.kind === 'webhook';
    case 'record_created':
      return payload.kind === 'record' && payload.event === 'created' && payload.object === trigger.object;
    case 'record_updated':
      return payload.kind === 'record' && payload.event === 'updated' && payload.object === trigger.object;
    case 'record_deleted':
      return payload.kind === 'record' && payload.event === 'deleted' && payload.object === trigger.object;
    case 'field_changed': {
      if (payload.kind !== 'record' || payload.event !== 'updated' || payload.object !== trigger.object) return false;
      if (!payload.changed.includes(trigger.field)) return false;
      const before = fieldOf(payload.previous, trigger.field);
      const after = fieldOf(payload.record, trigger.field);
      if (trigger.from !== undefined && !jsonEqual(before, trigger.from)) return false;
      if (trigger.to !== undefined && !jsonEqual(after, trigger.to)) return false;
      return true;
    }
    case 'schedule':
      // Schedules fire through Temporal Schedules, never through the event dispatcher.
      return false;
  }
}

const fieldOf = (o: JsonObject | null, field: string): Json | undefined => (o && Object.hasOwn(o, field) ? o[field] : undefined);
