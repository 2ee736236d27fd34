import type { ApiError, CallWorkflowAction, WorkflowAction } from '../definition';
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
