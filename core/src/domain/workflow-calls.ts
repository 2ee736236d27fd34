import { and, asc, eq } from 'drizzle-orm';
import type { ApiError, CallWorkflowAction, ExecutionStatus, Json, WorkflowAction } from '../definition';
import { workflowExecutions, workflows } from '../db/schema';
import { formatPath, walkActions } from '../definition';
import type { DbOrTx } from '../db/client';
import { getPublishedWorkflow } from './manual-runs';

/** The call_workflow steps of a definition, with their JSON path. */
export function callSteps(actions: readonly WorkflowAction[]): { action: CallWorkflowAction; path: (string | number)[] }[] {
  const out: { action: CallWorkflowAction; path: (string | number)[] }[] = [];
  walkActions(actions, (a, path) => {
    if (a.type === 'call_workflow') out.push({ action: a, path: ['actions', ...path] });
  });
  return out;
}

const stepLabel = (a: WorkflowAction) => `Step "${a.name ?? a.id}"`;

/** Most published versions the cycle check follows before it gives up (a workspace has far fewer). */
const MAX_VISITS = 500;

/**
 * What publishing a definition with call_workflow steps must hold: each target is a workflow of the
 * workspace, active, whose published version starts manually; and no chain of published calls leads
 * back to this workflow (a static cycle). Dynamic depth is the loop guard's job at run time.
 */
export async function checkCallTargets(db: DbOrTx, q: { workspaceId: string; workflowId: string; actions: readonly WorkflowAction[] }): Promise<ApiError[]> {
  const issues: ApiError[] = [];
  for (const { action, path } of callSteps(q.actions)) {
    const at = formatPath([...path, 'workflowId']);
    const err = (message: string) => issues.push({ code: 'invalid_call', message: `${stepLabel(action)}: ${message}`, path: at });
    if (action.workflowId === q.workflowId) {
      err('a workflow cannot call itself');
      continue;
    }
    const target = await getPublishedWorkflow(db, { workspaceId: q.workspaceId, id: action.workflowId });
    if (!target) {
      err('the workflow to call does not exist in this workspace');
      continue;
    }
    const name = `"${target.workflow.name}"`;
    if (!target.workflow.isActive || !target.version) {
      err(`the workflow to call, ${name}, is not active; publish it first`);
      continue;
    }
    if (target.version.trigger.type !== 'manual') {
      err(`the workflow to call, ${name}, must start manually (set its trigger to Manual and publish it)`);
      continue;
    }
    const loop = await findPathBack(db, q.workspaceId, q.workflowId, target.workflow.id);
    if (loop) err(`calling ${name} would come back to this workflow (${loop.join(' → ')}), which would never end`);
  }
  return issues;
}

/** A chain of published calls from `start` back to `home`, as workflow names, or null. */
async function findPathBack(db: DbOrTx, workspaceId: string, home: string, start: string): Promise<string[] | null> {
  const seen = new Set<string>();
  const stack: { id: string; before: string[] }[] = [{ id: start, before: [] }];
  while (stack.length > 0 && seen.size < MAX_VISITS) {
    const { id, before } = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const w = await getPublishedWorkflow(db, { workspaceId, id });
    if (!w?.version) continue;
    const names = [...before, `"${w.workflow.name}"`];
    for (const { action } of callSteps(w.version.actions)) {
      if (action.workflowId === home) return ['this workflow', ...names, 'this workflow'];
      if (!seen.has(action.workflowId)) stack.push({ id: action.workflowId, before: names });
    }
  }
  return null;
}

/**
 * The execution row of a called run, made by the caller's step before the child starts. Its id is
 * fixed by the calling workflow, so a retried attempt finds the row instead of making a second.
 */
export async function createChildExecution(
  db: DbOrTx,
  e: {
    id: string;
    workspaceId: string;
    workflowId: string;
    versionId: string;
    input: Json;
    recordId: string | null;
    parentExecutionId: string;
    temporalWorkflowId: string;
    /** Called from a dry test run: the child is dry too. */
    dryRun: boolean;
  },
): Promise<void> {
  await db
    .insert(workflowExecutions)
    .values({ ...e, status: 'pending', eventId: null, isTest: false })
    .onConflictDoNothing();
}

export type CallLink = { id: string; workflowId: string; workflowName: string | null; status: ExecutionStatus };

/** The run that called this one (if any) and the runs it called, for the run monitor. */
export async function callLinks(db: DbOrTx, q: { workspaceId: string; executionId: string }): Promise<{ calledBy: CallLink | null; called: CallLink[] }> {
  const cols = { id: workflowExecutions.id, workflowId: workflowExecutions.workflowId, workflowName: workflows.name, status: workflowExecutions.status };
  const [self] = await db
    .select({ parent: workflowExecutions.parentExecutionId })
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.id, q.executionId), eq(workflowExecutions.workspaceId, q.workspaceId)));
  if (!self) return { calledBy: null, called: [] };
  const base = () => db.select(cols).from(workflowExecutions).leftJoin(workflows, eq(workflows.id, workflowExecutions.workflowId));
  const [calledBy] = self.parent ? await base().where(and(eq(workflowExecutions.id, self.parent), eq(workflowExecutions.workspaceId, q.workspaceId))) : [];
  const called = await base()
    .where(and(eq(workflowExecutions.parentExecutionId, q.executionId), eq(workflowExecutions.workspaceId, q.workspaceId)))
    .orderBy(asc(workflowExecutions.createdAt));
  return { calledBy: calledBy ?? null, called };
}
