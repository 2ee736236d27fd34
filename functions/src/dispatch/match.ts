import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@conduit/core/db';
import { preparedQuery, workflowVersions, workflows, type DbOrTx, type EventSource } from '@conduit/core/db';
import type { Json, JsonObject, TriggerPayload, TriggerType, WorkflowAction, WorkflowTrigger } from '@conduit/core/definition';
import { jsonEqual } from '@conduit/core/domain';

/** An active workflow with the pinned definition of its active version. */
export type Candidate = {
  workflowId: string;
  workspaceId: string;
  versionId: string;
  trigger: WorkflowTrigger;
  actions: WorkflowAction[];
};

/** The trigger types an event can fire, by event type. */
const TRIGGER_TYPES_BY_EVENT: Record<string, TriggerType[]> = {
  'record.created': ['record_created'],
  'record.updated': ['record_updated', 'field_changed'],
  'record.deleted': ['record_deleted'],
  'webhook.received': ['webhook'],
};

export type MatchableEvent = {
  workspaceId: string;
  source: EventSource;
  type: string;
  object: string | null;
  workflowId: string | null;
  payload: TriggerPayload;
};

const candidateColumns = {
  workflowId: workflows.id,
  workspaceId: workflows.workspaceId,
  versionId: workflowVersions.id,
  trigger: workflowVersions.trigger,
  actions: workflowVersions.actions,
};

const selectCandidates = (db: DbOrTx) =>
  db
    .select(candidateColumns)
    .from(workflows)
    .innerJoin(
      workflowVersions,
      and(eq(workflowVersions.id, workflows.activeVersionId), eq(workflowVersions.workspaceId, workflows.workspaceId)),
    );

/** One prepared statement per record event type (its trigger types are part of the SQL). */
const recordCandidates = new Map(
  Object.entries(TRIGGER_TYPES_BY_EVENT)
    .filter(([type]) => type.startsWith('record.'))
    .map(([type, types]) => [
      type,
      preparedQuery(`candidates_${type.replace('.', '_')}`, (db, name) =>
        selectCandidates(db)
          .where(
            and(
              eq(workflows.workspaceId, sql.placeholder('workspaceId')),
              inArray(workflows.activeTriggerType, types),
              eq(workflows.activeTriggerObject, sql.placeholder('object')),
              // The literal predicate of the partial index, so the planner can use it.
              sql`${workflows.isActive}`,
            ),
          )
          .prepare(name),
      ),
    ]),
);

/**
 * Active workflows an event may start. Record events use workflows_dispatch_idx (workspace,
 * trigger type, object, partial on is_active), so the cost does not grow with the number of
 * workflows in the workspace; a webhook event names its one workflow.
 */
export async function findCandidates(db: Db, event: MatchableEvent): Promise<Candidate[]> {
  if (event.type === 'webhook.received') {
    if (!event.workflowId) return [];
    return selectCandidates(db).where(
      and(
        eq(workflows.id, event.workflowId),
        eq(workflows.workspaceId, event.workspaceId),
        eq(workflows.isActive, true),
        eq(workflows.activeTriggerType, 'webhook'),
      ),
    );
  }
  const query = recordCandidates.get(event.type);
  if (!query || !event.object) return [];
  return query(db).execute({ workspaceId: event.workspaceId, object: event.object });
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
