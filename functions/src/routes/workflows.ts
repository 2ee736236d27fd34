import { createRoute, z } from '@hono/zod-openapi';
import {
  ActivateResultSchema,
  ExecutionDtoSchema,
  SchedulePreviewSchema,
  SecretRotateBodySchema,
  SecretRotatedSchema,
  TestRunBodySchema,
  VersionDtoSchema,
  WorkflowCreateBodySchema,
  WorkflowDtoSchema,
  WorkflowPatchBodySchema,
  pageOf,
} from '@conduit/core/api';
import { describeIssues, ROOT_CAUSATION, ScheduleTriggerSchema } from '@conduit/core/definition';
import {
  audit,
  checkDraft,
  checkSecretsExist,
  createWorkflowLifecycle,
  getExecutionDetail,
  getWorkflow,
  lastRuns,
  listVersions,
  listWorkflows,
  workflowSecretKinds,
  type WorkflowRow,
} from '@conduit/core/domain';
import { generateWebhookSecret } from '../ingress/signature';
import { nextFireTimes } from '../schedules/fire-times';
import { auditContext } from '../http/audit-context';
import { workspaceAccess } from '../http/context';
import { executionDto, versionDto, workflowDto } from '../http/dto';
import { HttpError, invalid, notFound } from '../http/errors';
import { WsIdParams, WsParams, body, errors, json, type Api, type RouteDeps } from './common';
import { testTriggerPayload } from './test-payload';

const tags = ['workflows'];
const CHANGE = 'change workflows';

export function workflowRoutes(app: Api, deps: RouteDeps): void {
  const dto = async (w: WorkflowRow) => {
    const kinds = await workflowSecretKinds(deps.db, { workspaceId: w.workspaceId, workflowIds: [w.id] });
    return workflowDto(w, kinds.get(w.id) ?? [], deps.now());
  };
  const load = async (workspaceId: string, id: string) => {
    const w = await getWorkflow(deps.db, { workspaceId, id });
    if (!w) throw notFound('workflow');
    return w;
  };
  // Every change of a workflow goes through the lifecycle, with its side effects (version, secret,
  // hook cache, schedule); the routes parse, authorise, call it and shape the DTO.
  const lifecycle = createWorkflowLifecycle({
    db: deps.db,
    secrets: deps.secrets,
    newSecret: generateWebhookSecret,
    schedules: deps.schedules,
    hooks: deps.hooks,
    log: deps.log,
    now: deps.now,
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/workflows',
      tags,
      summary: 'List workflows',
      request: { params: WsParams },
      responses: { 200: json(pageOf(WorkflowDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      const rows = await listWorkflows(deps.db, a.workspace.id);
      const kinds = await workflowSecretKinds(deps.db, { workspaceId: a.workspace.id, workflowIds: rows.map((r) => r.id) });
      const last = await lastRuns(deps.db, a.workspace.id);
      const items = rows.map((w) => {
        const run = last.get(w.id);
        return { ...workflowDto(w, kinds.get(w.id) ?? [], deps.now()), lastRun: run ? { status: run.status, createdAt: run.createdAt.toISOString() } : null };
      });
      return c.json({ items, nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows',
      tags,
      summary: 'Create a workflow (inactive draft)',
      request: { params: WsParams, body: body(WorkflowCreateBodySchema) },
      responses: { 201: json(WorkflowDtoSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', CHANGE);
      const b = c.req.valid('json');
      const w = await lifecycle.create({ workspace: a.workspace, fields: b, companyId: b.companyId, createdBy: a.userId, audit: auditContext(c, a.principal) });
      return c.json(await dto(w), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/workflows/{id}',
      tags,
      summary: 'One workflow (draft, active version, secrets present)',
      request: { params: WsIdParams },
      responses: { 200: json(WorkflowDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      return c.json(await dto(await load(a.workspace.id, p.id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/workspaces/{ws}/workflows/{id}',
      tags,
      summary: 'Save the draft (validated in full); runs keep using the active version',
      request: { params: WsIdParams, body: body(WorkflowPatchBodySchema) },
      responses: { 200: json(WorkflowDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const w = await lifecycle.updateDraft({ workspaceId: a.workspace.id, id: p.id, fields: c.req.valid('json'), audit: auditContext(c, a.principal) });
      if (!w) throw notFound('workflow');
      return c.json(await dto(w), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/workspaces/{ws}/workflows/{id}',
      tags,
      summary: 'Delete a workflow, its versions, runs and schedule',
      request: { params: WsIdParams },
      responses: { 204: { description: 'deleted' }, ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const w = await lifecycle.delete({ workspaceId: a.workspace.id, id: p.id, audit: auditContext(c, a.principal) });
      if (!w) throw notFound('workflow');
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/activate',
      tags,
      summary: 'Publish the draft as a new immutable version and make it active',
      request: { params: WsIdParams },
      responses: { 200: json(ActivateResultSchema.extend({ scheduleSync: z.enum(['ok', 'failed']).optional() })), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const done = await lifecycle.activate({ workspaceId: a.workspace.id, id: p.id, publishedBy: a.userId, audit: auditContext(c, a.principal) });
      if (!done) throw notFound('workflow');
      const { secret, scheduleSync } = done;
      return c.json(
        { workflow: await dto(done.workflow), version: versionDto(done.version), ...(secret ? { secret } : {}), ...(scheduleSync ? { scheduleSync } : {}) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/deactivate',
      tags,
      summary: 'Stop triggering runs (running runs continue)',
      request: { params: WsIdParams },
      responses: { 200: json(WorkflowDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const w = await lifecycle.deactivate({ workspaceId: a.workspace.id, id: p.id, audit: auditContext(c, a.principal) });
      if (!w) throw notFound('workflow');
      return c.json(await dto(w), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/workflows/{id}/versions',
      tags,
      summary: 'Published versions, newest first',
      request: { params: WsIdParams },
      responses: { 200: json(pageOf(VersionDtoSchema)), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const w = await load(a.workspace.id, p.id);
      const rows = await listVersions(deps.db, { workspaceId: a.workspace.id, workflowId: w.id });
      return c.json({ items: rows.map(versionDto), nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/secret/rotate',
      tags,
      summary: 'New webhook secret (inbound auth, or signing of outgoing webhooks); returned once, stored encrypted',
      request: { params: WsIdParams, body: { required: false, content: { 'application/json': { schema: SecretRotateBodySchema } } } },
      responses: { 200: json(SecretRotatedSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const w = await load(a.workspace.id, p.id);
      const parsed = SecretRotateBodySchema.safeParse((await c.req.text()) ? await c.req.json() : {});
      if (!parsed.success) throw invalid(describeIssues(parsed.error));
      const secret = await lifecycle.rotateSecret({ workflow: w, kind: parsed.data.kind, audit: auditContext(c, a.principal) });
      return c.json({ kind: parsed.data.kind, secret }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/test',
      tags,
      summary: 'Run the draft once with a sample payload (a test run); dry by default, live on request',
      request: { params: WsIdParams, body: { required: false, content: { 'application/json': { schema: TestRunBodySchema } } } },
      responses: { 201: json(ExecutionDtoSchema), 503: { description: 'Temporal unreachable' }, ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'run test runs');
      const w = await load(a.workspace.id, p.id);
      const draft = checkDraft(w);
      await checkSecretsExist(deps.db, a.workspace.id, draft.actions);
      const bodyParsed = TestRunBodySchema.safeParse((await c.req.text()) ? await c.req.json() : {});
      if (!bodyParsed.success) throw invalid(describeIssues(bodyParsed.error));
      const { payload: sample, mode } = bodyParsed.data;
      const trigger = testTriggerPayload(draft.trigger, sample, deps.now());
      let started;
      try {
        started = await deps.runs.start({
          workspaceId: a.workspace.id,
          workflowId: w.id,
          versionId: null,
          definition: { trigger: draft.trigger, actions: draft.actions },
          trigger,
          eventId: null,
          causation: ROOT_CAUSATION,
          recordId: trigger.kind === 'record' ? trigger.recordId : null,
          isTest: true,
          dryRun: mode === 'dry',
        });
      } catch (err) {
        deps.log?.error('test run start failed', { workflowId: w.id, error: err instanceof Error ? err.message : String(err) });
        throw new HttpError(503, 'temporal_unavailable', 'the run could not be started (Temporal unreachable); try again');
      }
      await audit(deps.db, auditContext(c, a.principal), {
        workspaceId: a.workspace.id,
        action: 'execution.test_started',
        target: { type: 'workflow', id: w.id, name: w.name },
        summary: `${mode === 'dry' ? 'dry' : 'live'} test run ${started.executionId} of the draft started`,
      });
      const e = await getExecutionDetail(deps.db, { workspaceId: a.workspace.id, id: started.executionId });
      if (!e) throw notFound('execution');
      return c.json(executionDto(e), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/schedule-preview',
      tags,
      summary: 'Validate a cron + zone and show the next five fire times',
      request: { params: WsParams, query: z.object({ cron: z.string().max(200), timezone: z.string().max(100).optional() }) },
      responses: { 200: json(SchedulePreviewSchema), ...errors },
    }),
    async (c) => {
      await workspaceAccess(c, deps, c.req.valid('param').ws);
      const q = c.req.valid('query');
      const parsed = ScheduleTriggerSchema.safeParse({ type: 'schedule', cron: q.cron, timezone: q.timezone });
      if (!parsed.success) throw invalid(describeIssues(parsed.error, ['query']));
      const { cron, timezone } = parsed.data;
      return c.json({ cron, timezone, nextFireTimes: nextFireTimes(cron, timezone, 5, deps.now()).map((d) => d.toISOString()) }, 200);
    },
  );
}
