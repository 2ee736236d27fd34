import { auditContext } from '../http/audit-context';
import { createRoute } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/common';
import { ExecutionDtoSchema, ExecutionListQuerySchema, pageOf } from '@conduit/core/api';
import { ROOT_CAUSATION, TriggerPayloadSchema, type StepResult } from '@conduit/core/definition';
import { audit, checkDraft, getEvent, getExecutionDetail, getVersion, getWorkflow, listExecutions, markExecutionCancelled } from '@conduit/core/domain';
import { workspaceAccess } from '../http/context';
import { executionDto } from '../http/dto';
import { conflict, HttpError, notFound, runStartError } from '../http/errors';
import { RunQuotaError } from '@conduit/core/run-quota';
import { WsIdParams, WsParams, errors, json, type Api, type RouteDeps } from './common';

const tags = ['executions'];

export function executionRoutes(app: Api, deps: RouteDeps): void {
  const load = async (workspaceId: string, id: string) => {
    const e = await getExecutionDetail(deps.db, { workspaceId, id });
    if (!e) throw notFound('execution');
    return e;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/executions',
      operationId: 'listExecutions',
      tags,
      summary: 'Runs, newest first; filter by workflow, status, record, time range',
      request: { params: WsParams, query: ExecutionListQuerySchema },
      responses: { 200: json(pageOf(ExecutionDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      const q = c.req.valid('query');
      const page = await listExecutions(deps.db, {
        workspaceId: a.workspace.id,
        workflowId: q.workflowId,
        status: q.status,
        recordId: q.recordId,
        isTest: q.isTest,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        cursor: q.cursor,
        limit: q.limit,
      });
      return c.json({ items: page.items.map(executionDto), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/executions/{id}',
      operationId: 'getExecution',
      tags,
      summary: 'One run with its steps',
      request: { params: WsIdParams },
      responses: { 200: json(ExecutionDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      return c.json(executionDto(await load(a.workspace.id, p.id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/executions/{id}/cancel',
      operationId: 'cancelExecution',
      tags,
      summary: 'Cancel a queued, pending or running run (it ends cancelled)',
      request: { params: WsIdParams },
      responses: { 202: json(ExecutionDtoSchema), 409: errors[400], ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'cancel runs');
      const e = await load(a.workspace.id, p.id);
      if (e.status !== 'queued' && e.status !== 'pending' && e.status !== 'running')
        throw conflict(`the run is ${e.status}; only queued, pending or running runs can be cancelled`);
      // A queued run has not reached Temporal: its row is all there is.
      if (e.status === 'queued') await markExecutionCancelled(deps.db, { workspaceId: a.workspace.id, id: e.id }, deps.now());
      else
        try {
          const temporal = typeof deps.temporal === 'function' ? await deps.temporal() : deps.temporal;
          await temporal.workflow.getHandle(e.temporalWorkflowId).cancel();
        } catch (err) {
          // Never reached Temporal (or already gone): the row is the only record, so end it here.
          if (!(err instanceof WorkflowNotFoundError)) {
            deps.log?.error('cancel failed', { executionId: e.id, error: err instanceof Error ? err.message : String(err) });
            throw new HttpError(503, 'temporal_unavailable', 'the run could not be cancelled (Temporal unreachable); try again');
          }
          await markExecutionCancelled(deps.db, { workspaceId: a.workspace.id, id: e.id }, deps.now());
        }
      // Temporal accepted the cancellation (or the row was ended here): the change is done, record it.
      await audit(deps.db, auditContext(c, a.principal), {
        workspaceId: a.workspace.id,
        action: 'execution.cancelled',
        target: { type: 'execution', id: e.id, name: null },
        summary: `run of workflow ${e.workflowId} cancelled (was ${e.status})`,
      });
      return c.json(executionDto(await load(a.workspace.id, e.id)), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/executions/{id}/retry',
      operationId: 'retryExecution',
      tags,
      summary: 'Retry a failed or cancelled run from where it stopped, as a new run linked by retryOf',
      request: { params: WsIdParams },
      responses: { 201: json(ExecutionDtoSchema), 409: errors[400], ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'retry runs');
      const e = await load(a.workspace.id, p.id);
      if (e.status !== 'failed' && e.status !== 'cancelled') throw conflict(`the run is ${e.status}; only failed or cancelled runs can be retried`);
      // The same definition the run used: its pinned version, or (test runs) the current draft.
      let definition;
      if (e.versionId) {
        const v = await getVersion(deps.db, { workspaceId: a.workspace.id, id: e.versionId });
        if (!v) throw conflict('the version this run used no longer exists');
        definition = { trigger: v.trigger, actions: v.actions };
      } else {
        const w = await getWorkflow(deps.db, { workspaceId: a.workspace.id, id: e.workflowId });
        if (!w) throw notFound('workflow');
        const d = checkDraft(w);
        definition = { trigger: d.trigger, actions: d.actions };
      }
      const trigger = TriggerPayloadSchema.safeParse(e.input);
      if (!trigger.success) throw conflict('this run has no stored trigger payload to retry with');
      const event = e.eventId ? await getEvent(deps.db, { workspaceId: a.workspace.id, id: e.eventId }) : null;
      const steps: Record<string, StepResult> = {};
      // Iteration rows (path with "#") are not reused: the loop runs again as a whole.
      for (const s of e.steps)
        if (s.status === 'completed' && !s.path.includes('#')) steps[s.actionId] = { status: 'completed', ...(s.output !== null ? { output: s.output } : {}) };
      let started;
      try {
        started = await deps.runs.start({
          workspaceId: a.workspace.id,
          workflowId: e.workflowId,
          versionId: e.versionId,
          definition,
          trigger: trigger.data,
          eventId: null,
          causation: event?.causation ?? ROOT_CAUSATION,
          recordId: e.recordId,
          isTest: e.isTest,
          // A retry of a dry test run stays dry: retrying must never turn it into real sends.
          dryRun: e.dryRun,
          retryOf: e.id,
          resume: { fromExecutionId: e.id, steps },
        });
      } catch (err) {
        if (!(err instanceof RunQuotaError))
          deps.log?.error('retry start failed', { executionId: e.id, error: err instanceof Error ? err.message : String(err) });
        throw runStartError(err, 'the retry could not be started (Temporal unreachable); try again');
      }
      await audit(deps.db, auditContext(c, a.principal), {
        workspaceId: a.workspace.id,
        action: 'execution.retried',
        target: { type: 'execution', id: e.id, name: null },
        summary: `retried from where it stopped as run ${started.executionId}`,
      });
      return c.json(executionDto(await load(a.workspace.id, started.executionId)), 201);
    },
  );
}
