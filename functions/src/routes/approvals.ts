import { createRoute, z } from '@hono/zod-openapi';
import {
  ApprovalDecisionBodySchema,
  ApprovalDtoSchema,
  ApprovalLinkDecisionBodySchema,
  ApprovalLinkDtoSchema,
  ApprovalListQuerySchema,
  type ApprovalDto,
  type ApprovalLinkDto,
} from '@conduit/core/api';
import {
  decideApproval,
  decideByToken,
  findApprovalToken,
  getApproval,
  isApprover,
  listApprovalsFor,
  type ApprovalView,
  type DecideRefusal,
  type DecisionSignal,
  type TokenView,
} from '@conduit/core/domain';
import { APPROVAL_SIGNAL, PRIORITY_KEY } from '@conduit/core/temporal';
import { auditContext } from '../http/audit-context';
import { clientAddress } from '../http/client-address';
import { workspaceAccess } from '../http/context';
import { conflict, forbidden, type HttpError, notFound } from '../http/errors';
import { WsIdParams, WsParams, body, errors, json, type Api, type RouteDeps } from './common';

const tags = ['approvals'];

const approvalDto = (a: ApprovalView): ApprovalDto => ({
  id: a.id,
  executionId: a.executionId,
  workflowId: a.workflowId,
  workflowName: a.workflowName,
  actionId: a.actionId,
  message: a.message,
  approvers: a.approvers,
  status: a.status,
  runStatus: a.runStatus,
  onTimeout: a.onTimeout,
  expiresAt: a.expiresAt.toISOString(),
  decidedBy: a.decidedBy,
  decidedAt: a.decidedAt?.toISOString() ?? null,
  comment: a.comment,
  createdAt: a.createdAt.toISOString(),
});

/** Why a link or a decision cannot be used now, or 'open'. */
function stateOf(a: ApprovalView, now: Date, usedAt: Date | null = null): ApprovalLinkDto['state'] {
  if (usedAt) return 'used';
  if (a.status !== 'pending') return 'decided';
  if (a.runStatus === 'cancelled') return 'run_cancelled';
  if (a.runStatus !== 'pending' && a.runStatus !== 'running') return 'run_ended';
  if (a.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'open';
}

const linkDto = (t: TokenView, now: Date): ApprovalLinkDto => ({
  workflowName: t.approval.workflowName,
  message: t.approval.message,
  decision: t.decision,
  email: t.email,
  state: stateOf(t.approval, now, t.usedAt),
  status: t.approval.status,
  decidedBy: t.approval.decidedBy,
  expiresAt: t.expiresAt.toISOString(),
});

/** The 409 for a refused decision, in words a person understands. */
function refused(reason: DecideRefusal, a: ApprovalView): HttpError {
  if (reason === 'used') return conflict('this link was already used');
  if (reason === 'expired') return conflict('this approval expired before a decision was made');
  if (reason === 'run_ended')
    return conflict(a.runStatus === 'cancelled' ? 'the run was cancelled; nothing is waiting for this decision' : `the run already ended (${a.runStatus})`);
  const who = a.decidedBy ? ` by ${a.decidedBy}` : '';
  return conflict(a.status === 'expired' ? 'this approval timed out' : `this approval was already ${a.status}${who}`);
}

const TokenParams = z.object({ token: z.string().min(1).max(200) });

export function approvalRoutes(app: Api, deps: RouteDeps): void {
  /**
   * The decision is in the database already; the signal only wakes the run early. A few tries, then
   * the run reads the row when its timer fires (settleApproval), so a lost signal delays, never loses.
   */
  async function signalRun(temporalWorkflowId: string, signal: DecisionSignal): Promise<boolean> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const temporal = typeof deps.temporal === 'function' ? await deps.temporal() : deps.temporal;
        // A person just decided: the rest of the run (from the task this signal makes) goes ahead of
        // bulk runs. Raised before the signal so its workflow task already carries it; best effort.
        await temporal.workflowService
          .updateWorkflowExecutionOptions({
            namespace: temporal.options.namespace,
            workflowExecution: { workflowId: temporalWorkflowId },
            workflowExecutionOptions: { priority: { priorityKey: PRIORITY_KEY.interactive } },
            updateMask: { paths: ['priority.priority_key'] },
          })
          .catch((err: unknown) =>
            deps.log?.warn('raising the run priority failed', { approvalId: signal.approvalId, error: err instanceof Error ? err.message : String(err) }),
          );
        await temporal.workflow.getHandle(temporalWorkflowId).signal(APPROVAL_SIGNAL, signal);
        return true;
      } catch (err) {
        deps.log?.warn('approval signal failed', { approvalId: signal.approvalId, attempt, error: err instanceof Error ? err.message : String(err) });
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
    return false;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/approvals',
      tags,
      summary: 'Approvals the caller may decide (named by email, or an admin when "admin" is an approver), newest first',
      request: { params: WsParams, query: ApprovalListQuerySchema },
      responses: { 200: json(z.object({ items: z.array(ApprovalDtoSchema) })), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      // An API key is nobody's inbox.
      if (a.principal.kind !== 'session') return c.json({ items: [] }, 200);
      const q = c.req.valid('query');
      const items = await listApprovalsFor(deps.db, { workspaceId: a.workspace.id, email: a.principal.user.email, role: a.role, status: q.status });
      return c.json({ items: items.map(approvalDto) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/approvals/{id}/decision',
      tags,
      summary: 'Approve or reject (listed approvers only); the waiting run goes on at once',
      request: { params: WsIdParams, body: body(ApprovalDecisionBodySchema) },
      responses: { 200: json(ApprovalDtoSchema), 409: errors[400], ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const view = await getApproval(deps.db, { workspaceId: a.workspace.id, id: p.id });
      if (!view) throw notFound('approval');
      if (a.principal.kind !== 'session' || !isApprover(view, { email: a.principal.user.email, role: a.role }))
        throw forbidden('you are not one of the approvers of this step');
      const b = c.req.valid('json');
      const r = await decideApproval(deps.db, view, {
        decision: b.decision,
        by: a.principal.user.email,
        comment: b.comment?.trim() || null,
        at: deps.now(),
        audit: auditContext(c, a.principal),
      });
      if (!r.ok) throw refused(r.reason, r.approval);
      await signalRun(view.temporalWorkflowId, r.signal);
      const after = await getApproval(deps.db, { workspaceId: a.workspace.id, id: p.id });
      return c.json(approvalDto(after ?? view), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/approval-links/{token}',
      tags,
      summary: 'Public: what an emailed approve / reject link stands for (nothing is decided by opening it)',
      security: [],
      request: { params: TokenParams },
      responses: { 200: json(ApprovalLinkDtoSchema), 404: errors[404] },
    }),
    async (c) => {
      const t = await findApprovalToken(deps.db, c.req.valid('param').token);
      if (!t) throw notFound('approval link (it may be mistyped)');
      return c.json(linkDto(t, deps.now()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/approval-links/{token}',
      tags,
      summary: 'Public: confirm the decision of an emailed link, with an optional comment; single use',
      security: [],
      request: { params: TokenParams, body: body(ApprovalLinkDecisionBodySchema) },
      responses: { 200: json(ApprovalLinkDtoSchema), 404: errors[404], 409: errors[400] },
    }),
    async (c) => {
      const token = c.req.valid('param').token;
      const r = await decideByToken(deps.db, token, { comment: c.req.valid('json').comment?.trim() || null, at: deps.now(), clientAddress: clientAddress(c) });
      if (!r) throw notFound('approval link (it may be mistyped)');
      if (!r.ok) throw refused(r.reason, r.approval);
      await signalRun(r.approval.temporalWorkflowId, r.signal);
      const t = await findApprovalToken(deps.db, token);
      return c.json(linkDto(t!, deps.now()), 200);
    },
  );
}
