import { ScheduleClient, ScheduleNotFoundError, type Client, type ScheduleOptionsAction, type ScheduleUpdateOptions } from '@temporalio/client';
import { withDbLock, type Db, type DbOrTx } from '../db';
import { getScheduleTarget, listActiveScheduleWorkflows } from '../domain';
import { ScheduleTriggerSchema, type WorkflowAction, type WorkflowTrigger } from '../definition';
import { RUN_WORKFLOW, RunInputSchema, TASK_QUEUE, runPriority, scheduleId, type RunInput, type RunPriority } from '../temporal';
import { neverStoring } from '../temporal-codec';

export type SyncResult = 'created' | 'updated' | 'deleted' | 'none';

export type ScheduleSync = {
  /** Makes the workflow's Temporal Schedule match the database: created/updated while active, deleted otherwise. */
  sync(workflowId: string): Promise<SyncResult>;
  /** Deletes the workflow's schedule (the workflow was deleted). A missing schedule is fine. */
  remove(workflowId: string): Promise<boolean>;
  /** On start-up: every active schedule workflow synced, and this deployment's orphaned schedules deleted. */
  reconcile(): Promise<{ synced: number; removed: number }>;
};

export type ScheduleSyncDeps = {
  db: DbOrTx;
  temporal: Client;
  taskQueue?: string;
  /**
   * Marks the schedules this database owns (stored in the schedule memo), so reconcile() never
   * deletes schedules of another deployment sharing the Temporal namespace. Default "conduit".
   */
  deployment?: string;
  /** Missed fires within this window are taken when Temporal comes back (default 10 minutes). */
  catchupWindow?: string;
};

const PREFIX = scheduleId('');

/**
 * Temporal Schedules for schedule-triggered workflows. The schedule's action starts RUN_WORKFLOW
 * with the pinned version and definition but without executionId/trigger: the worker builds those
 * from the fire time, so each fire is its own execution. Overlap SKIP: a slow run never piles up.
 */
export function createScheduleSync(deps: ScheduleSyncDeps): ScheduleSync {
  // A schedule keeps its arguments (the pinned definition) for as long as it exists, and a payload
  // stored in the database is pruned after a week, so they stay in Temporal whatever their size (the
  // API's 1 MB body limit keeps a definition under Temporal's 2 MB).
  const { options: o } = deps.temporal;
  const client = new ScheduleClient({
    connection: deps.temporal.connection,
    namespace: o.namespace,
    identity: o.identity,
    dataConverter: neverStoring(o.loadedDataConverter),
    interceptors: o.interceptors.schedule ?? [],
  });
  const taskQueue = deps.taskQueue ?? TASK_QUEUE;
  const deployment = deps.deployment ?? 'conduit';
  const catchupWindow = deps.catchupWindow ?? '10 minutes';

  function options(w: { id: string; workspaceId: string; versionId: string; trigger: WorkflowTrigger; actions: WorkflowAction[] }) {
    const trigger = ScheduleTriggerSchema.parse(w.trigger);
    // Parsed here like every run start: the workflow takes its input as given (it carries no zod).
    const input: RunInput = RunInputSchema.parse({
      workspaceId: w.workspaceId,
      workflowId: w.id,
      versionId: w.versionId,
      definition: { trigger: w.trigger, actions: w.actions },
      causation: { depth: 0, chain: [] },
      eventId: null,
      isTest: false,
    });
    // `priority` is sent by the client (schedule-helpers) though its options type omits it: fires are
    // bulk runs with the workspace as fairness key, like event-driven ones.
    const action: ScheduleOptionsAction & { priority: RunPriority } = {
      type: 'startWorkflow',
      workflowType: RUN_WORKFLOW,
      taskQueue,
      // Temporal appends the fire time, so each fire has its own workflow id.
      workflowId: `${scheduleId(w.id)}-run`,
      args: [input],
      priority: runPriority(w.workspaceId, 'bulk'),
    };
    const update: ScheduleUpdateOptions = {
      spec: { cronExpressions: [trigger.cron], timezone: trigger.timezone },
      action,
      policies: { overlap: 'SKIP', catchupWindow },
      state: { paused: false },
    };
    return update;
  }

  async function remove(workflowId: string): Promise<boolean> {
    try {
      await client.getHandle(scheduleId(workflowId)).delete();
      return true;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError || isNotFound(err)) return false;
      throw err;
    }
  }

  async function sync(workflowId: string): Promise<SyncResult> {
    const w = await getScheduleTarget(deps.db, workflowId);
    const wanted = w?.isActive && w.versionId && w.trigger?.type === 'schedule' && w.actions;
    if (!wanted) return (await remove(workflowId)) ? 'deleted' : 'none';
    const opts = options({ id: w.id, workspaceId: w.workspaceId, versionId: w.versionId!, trigger: w.trigger!, actions: w.actions! });
    const handle = client.getHandle(scheduleId(w.id));
    try {
      await handle.update(() => opts);
      return 'updated';
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError || isNotFound(err))) throw err;
    }
    await client.create({ scheduleId: scheduleId(w.id), ...opts, memo: { deployment, workspaceId: w.workspaceId } });
    return 'created';
  }

  async function reconcile() {
    const active = await listActiveScheduleWorkflows(deps.db);
    const activeIds = new Set(active.map((r) => r.id));
    let synced = 0;
    for (const { id } of active) {
      await sync(id);
      synced++;
    }
    let removed = 0;
    for await (const s of client.list()) {
      if (!s.scheduleId.startsWith(PREFIX) || s.memo?.deployment !== deployment) continue;
      const workflowId = s.scheduleId.slice(PREFIX.length);
      if (activeIds.has(workflowId)) continue;
      if (await remove(workflowId)) removed++;
    }
    return { synced, removed };
  }

  return { sync, remove, reconcile };
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 5;
}

/**
 * reconcile() under a database lock, for processes that start together (worker tasks of one deploy):
 * two reconcilers never interleave their creates and deletes; the second runs after the first and
 * finds little left to do. The reads go through the lock's transaction, the writes to Temporal.
 */
export async function reconcileSchedulesLocked(deps: Omit<ScheduleSyncDeps, 'db'> & { db: Db }): Promise<{ synced: number; removed: number }> {
  return withDbLock(deps.db, 'schedules-reconcile', (tx) => createScheduleSync({ ...deps, db: tx }).reconcile());
}
