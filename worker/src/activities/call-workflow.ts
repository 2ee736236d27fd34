import { ApplicationFailure } from '@temporalio/activity';
import { manualPayload, type Json } from '@conduit/core/definition';
import { createChildExecution, getPublishedWorkflow, getRecord } from '@conduit/core/domain';
import { RunInputSchema } from '@conduit/core/temporal';
import { STEP_ERROR, type PrepareCall, type PreparedCall } from '../workflows/contract';
import type { ActivityDeps } from './types';

/** A final refusal of the step, worded for the person reading the run. */
const refuse = (message: string) => ApplicationFailure.create({ message, type: STEP_ERROR, nonRetryable: true });

const isObject = (v: Json): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the call again at run time (the target may have changed since publish), applies the loop
 * guard's depth, and makes the child's execution row linked to its caller. Idempotent: the row's id
 * is the caller's choice, so a retried attempt finds it.
 */
export async function prepareCall(deps: ActivityDeps, p: PrepareCall): Promise<PreparedCall> {
  const limit = deps.config.LOOP_DEPTH_LIMIT;
  const depth = p.run.causation.depth + 1;
  if (depth > limit)
    throw refuse(
      `stopped by the loop guard: this call would run ${depth} workflows deep, past the limit of ${limit} (do workflows call each other in a circle?)`,
    );
  const found = await getPublishedWorkflow(deps.db, { workspaceId: p.run.workspaceId, id: p.targetWorkflowId });
  if (!found) throw refuse('the workflow to call no longer exists');
  const { workflow, version } = found;
  if (!workflow.isActive || !version) throw refuse(`the workflow to call, "${workflow.name}", is not active`);
  if (version.trigger.type !== 'manual') throw refuse(`the workflow to call, "${workflow.name}", does not start manually`);
  const object = version.trigger.object ?? null;
  let record: { id: string; data: Record<string, unknown> } | null = null;
  if (object) {
    const recordId = isObject(p.input) ? p.input.recordId : undefined;
    if (typeof recordId !== 'string') throw refuse(`"${workflow.name}" runs on a ${object}: give its id as recordId in the input`);
    const row = await getRecord(deps.db, { workspaceId: p.run.workspaceId, object, id: recordId });
    if (!row) throw refuse(`"${workflow.name}" runs on a ${object}, and there is no ${object} with the id given as recordId`);
    record = { id: row.id, data: row.data };
  }
  const trigger = manualPayload({
    object,
    record,
    payload: p.input,
    startedBy: null,
    startedAt: new Date().toISOString(),
    calledBy: { executionId: p.run.executionId, workflowId: p.run.workflowId },
  });
  const input = RunInputSchema.parse({
    executionId: p.childExecutionId,
    workspaceId: p.run.workspaceId,
    workflowId: workflow.id,
    versionId: version.id,
    definition: { trigger: version.trigger, actions: version.actions },
    trigger,
    causation: { depth, chain: [...p.run.causation.chain, p.run.executionId].slice(-50) },
    eventId: null,
    isTest: false,
    dryRun: p.run.dryRun === true,
  });
  await createChildExecution(deps.db, {
    id: p.childExecutionId,
    workspaceId: p.run.workspaceId,
    workflowId: workflow.id,
    versionId: version.id,
    input: trigger as Json,
    recordId: record?.id ?? null,
    parentExecutionId: p.run.executionId,
    temporalWorkflowId: p.childTemporalWorkflowId,
    dryRun: p.run.dryRun === true,
  });
  return { input, workflowName: workflow.name };
}
