import { Context } from '@temporalio/activity';
import { appBaseUrl } from '@conduit/core/config';
import { getWorkflow, openApproval, settleApproval } from '@conduit/core/domain';
import type { DecisionSignal, OpenApprovalCall, OpenApprovalResult, SettleApproval } from '../workflows/contract';
import type { ActivityDeps } from './types';

// wait_for_approval's activities: open the approval (row, single-use links, emails) and settle it
// when the run's timer fires. The wait itself is the workflow's (a signal plus a timer).

export async function openApprovalActivity(deps: ActivityDeps, call: OpenApprovalCall): Promise<OpenApprovalResult> {
  // Heartbeats let the server see a worker that died mid-open within the heartbeat timeout, not the
  // whole start-to-close budget (a retry of an open is safe: the approval row is found, not made twice).
  const actx = Context.current();
  const beat = setInterval(() => actx.heartbeat(), 1_000);
  actx.heartbeat();
  try {
    return await open(deps, call, actx.info.attempt);
  } finally {
    clearInterval(beat);
  }
}

async function open(deps: ActivityDeps, call: OpenApprovalCall, attempt: number): Promise<OpenApprovalResult> {
  const { run } = call;
  const { approval, links } = await openApproval(deps.db, {
    workspaceId: run.workspaceId,
    executionId: run.executionId,
    workflowId: run.workflowId,
    actionId: call.step.actionId,
    temporalWorkflowId: call.temporalWorkflowId,
    approvers: call.approvers,
    message: call.message,
    onTimeout: call.onTimeout,
    expiresAt: new Date(call.expiresAt),
  });
  const workflow = await getWorkflow(deps.db, { workspaceId: run.workspaceId, id: run.workflowId });
  const name = workflow?.name ?? 'a workflow';
  const base = appBaseUrl(deps.config);
  const until = new Date(call.expiresAt).toUTCString();
  for (const l of links) {
    const text = [
      `The workflow "${name}" is waiting for your approval.`,
      '',
      call.message,
      '',
      `Approve: ${base}/approvals/${l.approve}`,
      `Reject:  ${base}/approvals/${l.reject}`,
      '',
      `Each link asks you to confirm and works once. They expire ${until}.`,
      `You can also decide in the app under Approvals: ${base}/`,
    ].join('\n');
    await deps.mailer.send({
      workspaceId: run.workspaceId,
      executionId: run.executionId,
      from: deps.config.MAIL_FROM,
      to: [l.email],
      cc: [],
      bcc: [],
      subject: `Approval needed: ${name}`,
      text,
      idempotencyKey: `${run.executionId}.${call.step.actionId}.${l.email}.${attempt}`,
    });
  }
  return { approvalId: approval.id, notified: links.map((l) => l.email) };
}

export function settleApprovalActivity(deps: ActivityDeps, s: SettleApproval): Promise<DecisionSignal | null> {
  return settleApproval(deps.db, { workspaceId: s.run.workspaceId, id: s.approvalId, at: new Date(s.at) });
}
