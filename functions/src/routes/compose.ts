import { createRoute, z } from '@hono/zod-openapi';
import {
  ExecutionDtoSchema,
  ImportBodySchema,
  ImportReportSchema,
  WorkflowDtoSchema,
  CallLinksSchema,
  ManualRunBodySchema,
  ManualWorkflowDtoSchema,
  ManualWorkflowQuerySchema,
  TemplateDtoSchema,
  WorkflowExportSchema,
  pageOf,
} from '@conduit/core/api';
import { describeIssues } from '@conduit/core/definition';
import {
  callLinks,
  checkDraft,
  exportWorkflow,
  fitImport,
  getExecutionDetail,
  getWorkflow,
  listManualWorkflows,
  workflowSecretKinds,
} from '@conduit/core/domain';
import { WORKFLOW_TEMPLATES } from '@conduit/core/templates';
import { auditContext } from '../http/audit-context';
import { workspaceAccess } from '../http/context';
import { executionDto, workflowDto } from '../http/dto';
import { invalid, notFound } from '../http/errors';
import { startManualRun } from '../runs/manual-run';
import { WsIdParams, WsParams, body, errors, json, type Api, type RouteDeps } from './common';
import { workflowLifecycle } from './workflows';

const tags = ['workflows'];
const ImportResultSchema = z.object({ workflow: WorkflowDtoSchema, report: ImportReportSchema });

/** Starting a workflow by hand, the manual workflows of an object, export, import and templates (issue 17). */
export function composeRoutes(app: Api, deps: RouteDeps): void {
  const lifecycle = workflowLifecycle(deps);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/run',
      operationId: 'runWorkflow',
      tags,
      summary: 'Run a workflow with a manual trigger now (its published version), optionally on a record',
      request: { params: WsIdParams, body: { required: false, content: { 'application/json': { schema: ManualRunBodySchema } } } },
      responses: {
        201: json(ExecutionDtoSchema),
        409: { description: 'not active, or not a manual workflow' },
        429: { description: 'the workspace has used its monthly run quota (quota_exceeded)' },
        503: { description: 'Temporal unreachable' },
        ...errors,
      },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const parsed = ManualRunBodySchema.safeParse((await c.req.text()) ? await c.req.json() : {});
      if (!parsed.success) throw invalid(describeIssues(parsed.error));
      const started = await startManualRun(deps, {
        workspaceId: a.workspace.id,
        workflowId: p.id,
        role: a.role,
        startedBy: a.principal.kind === 'session' ? a.principal.user.email : null,
        recordId: parsed.data.recordId,
        payload: parsed.data.payload,
        now: deps.now(),
      });
      const e = await getExecutionDetail(deps.db, { workspaceId: a.workspace.id, id: started.executionId });
      if (!e) throw notFound('execution');
      return c.json(executionDto(e), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/manual-workflows',
      tags,
      summary: 'Active workflows that start manually (with object: those that run on its records)',
      request: { params: WsParams, query: ManualWorkflowQuerySchema },
      responses: { 200: json(pageOf(ManualWorkflowDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      const items = await listManualWorkflows(deps.db, { workspaceId: a.workspace.id, object: c.req.valid('query').object });
      // A member sees only what they may run.
      return c.json({ items: a.role === 'admin' ? items : items.filter((w) => w.allowMembers), nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/workflows/{id}/export',
      tags,
      summary: 'The workflow’s draft as a file: definition only (no ids of this workspace, hook id or secrets)',
      request: { params: WsIdParams },
      responses: { 200: json(WorkflowExportSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'export workflows');
      const w = await getWorkflow(deps.db, { workspaceId: a.workspace.id, id: p.id });
      if (!w) throw notFound('workflow');
      const file = await exportWorkflow(deps.db, w, deps.now());
      const slug =
        w.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'workflow';
      c.header('content-disposition', `attachment; filename="${slug}.workflow.json"`);
      return c.json(file, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/import',
      tags,
      summary: 'Create an inactive draft from an exported file, and report what it references that is missing here',
      request: { params: WsParams, body: body(ImportBodySchema) },
      responses: { 201: json(ImportResultSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'import workflows');
      const file = c.req.valid('json');
      // The whole definition is checked before anything is written; paths name the file's fields.
      const draft = checkDraft({ name: file.rename ?? file.name, description: file.description ?? null, trigger: file.trigger, actions: file.actions });
      const fitted = await fitImport(deps.db, {
        workspaceId: a.workspace.id,
        trigger: draft.trigger,
        actions: draft.actions,
        references: file.references?.workflows ?? [],
      });
      const w = await lifecycle.create({
        workspace: a.workspace,
        fields: { ...draft, actions: fitted.actions },
        createdBy: a.userId,
        origin: 'import',
        audit: auditContext(c, a.principal),
      });
      const kinds = await workflowSecretKinds(deps.db, { workspaceId: w.workspaceId, workflowIds: [w.id] });
      return c.json({ workflow: workflowDto(w, kinds.get(w.id) ?? [], deps.now()), report: fitted.report }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/templates',
      tags,
      summary: 'Ready-made workflows for common CRM jobs (create one with POST …/workflows and its definition)',
      request: { params: WsParams },
      responses: { 200: json(pageOf(TemplateDtoSchema)), ...errors },
    }),
    async (c) => {
      await workspaceAccess(c, deps, c.req.valid('param').ws);
      const items = WORKFLOW_TEMPLATES.map((t) => ({
        id: t.id,
        name: t.name,
        description: t.description,
        category: t.category,
        trigger: t.definition.trigger,
        actions: t.definition.actions,
      }));
      return c.json({ items, nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/executions/{id}/calls',
      tags: ['executions'],
      summary: 'The run that called this one and the runs it called (call_workflow)',
      request: { params: WsIdParams },
      responses: { 200: json(CallLinksSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const e = await getExecutionDetail(deps.db, { workspaceId: a.workspace.id, id: p.id });
      if (!e) throw notFound('execution');
      return c.json(await callLinks(deps.db, { workspaceId: a.workspace.id, executionId: e.id }), 200);
    },
  );
}
