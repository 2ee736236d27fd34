import { createRoute, z } from '@hono/zod-openapi';
import {
  ActivateBodySchema,
  ActivateResultSchema,
  DiffDtoSchema,
  DiffQuerySchema,
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
import { describeIssues, diffDefinitions, ROOT_CAUSATION, ScheduleTriggerSchema } from '@conduit/core/definition';
import {
  audit,
  checkDraft,
  checkSecretsExist,
  createWorkflowLifecycle,
  draftAgainstLive,
  getExecutionDetail,
  getWorkflow,
  lastRuns,
  listVersions,
  listWorkflows,
  liveVersions,
  VersionChoiceError,
  WorkflowRunsOpenError,
  workflowSecretKinds,
  type ActivateResult,
  type WorkflowRow,
  type WorkflowVersionRow,
} from '@conduit/core/domain';
import { generateWebhookSecret } from '../ingress/signature';
import { nextFireTimes } from '../schedules/fire-times';
import { auditContext } from '../http/audit-context';
import { workspaceAccess } from '../http/context';
import { executionDto, versionDto, workflowDto } from '../http/dto';
import { HttpError, invalid, notFound, runStartError } from '../http/errors';
import { RunQuotaError } from '@conduit/core/run-quota';
import { WsIdParams, WsParams, body, err, errors, json, type Api, type RouteDeps } from './common';
import { testTriggerPayload } from './test-payload';

const tags = ['workflows'];
const CHANGE = 'change workflows';

/**
 * Every change of a workflow goes through the lifecycle, with its side effects (version, secret, hook
 * cache, schedule); the routes parse, authorise, call it and shape the DTO.
 */
export const workflowLifecycle = (deps: RouteDeps) =>
  createWorkflowLifecycle({
    db: deps.db,
    secrets: deps.secrets,
    newSecret: generateWebhookSecret,
    schedules: deps.schedules,
    hooks: deps.hooks,
    log: deps.log,
    now: deps.now,
  });

export function workflowRoutes(app: Api, deps: RouteDeps): void {
  /** Whether the draft differs from the version published last, beside the version's number. */
  const publishState = (w: WorkflowRow, live: WorkflowVersionRow | undefined) =>
    live ? { liveVersion: live.version, unpublishedChanges: diffDefinitions(live, w).length > 0 } : { liveVersion: null, unpublishedChanges: false };
  const dto = async (w: WorkflowRow) => {
    const kinds = await workflowSecretKinds(deps.db, { workspaceId: w.workspaceId, workflowIds: [w.id] });
    const state = await draftAgainstLive(deps.db, w);
    return { ...workflowDto(w, kinds.get(w.id) ?? [], deps.now()), ...publishState(w, state?.live) };
  };
  /** A publish or activation as the API answers it, with what happened in words. */
  const activated = async (done: ActivateResult, asked: 'publish' | 'activate') => {
    const v = done.version.version;
    const message = done.published
      ? `Published version ${v}; it runs from now on.`
      : asked === 'publish'
        ? `Nothing to publish: the draft is the same as version ${v}.`
        : `Version ${v} runs as published; the draft was not published.`;
    const { secret, scheduleSync } = done;
    return {
      workflow: await dto(done.workflow),
      version: versionDto(done.version),
      published: done.published,
      message,
      ...(secret ? { secret } : {}),
      ...(scheduleSync ? { scheduleSync } : {}),
    };
  };
  /** One side of a comparison: the draft, the version published last, or a version by number. */
  const side = async (w: WorkflowRow, which: string) => {
    if (which === 'draft') return { label: 'Draft', version: null, def: w };
    const versions = await listVersions(deps.db, { workspaceId: w.workspaceId, workflowId: w.id });
    const v = which === 'live' ? versions.find((x) => x.id === w.activeVersionId) : versions.find((x) => x.version === Number(which));
    if (!v) throw which === 'live' ? new HttpError(404, 'not_found', 'this workflow was never published') : notFound(`version ${which}`);
    return { label: `Version ${v.version}${v.id === w.activeVersionId ? ' (live)' : ''}`, version: v.version, def: v };
  };
  const load = async (workspaceId: string, id: string) => {
    const w = await getWorkflow(deps.db, { workspaceId, id });
    if (!w) throw notFound('workflow');
    return w;
  };
  const lifecycle = workflowLifecycle(deps);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/workflows',
      operationId: 'listWorkflows',
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
      const live = await liveVersions(deps.db, {
        workspaceId: a.workspace.id,
        versionIds: rows.flatMap((r) => (r.activeVersionId ? [r.activeVersionId] : [])),
      });
      const items = rows.map((w) => {
        const run = last.get(w.id);
        return {
          ...workflowDto(w, kinds.get(w.id) ?? [], deps.now()),
          ...publishState(w, live.get(w.id)),
          lastRun: run ? { status: run.status, createdAt: run.createdAt.toISOString() } : null,
        };
      });
      return c.json({ items, nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows',
      operationId: 'createWorkflow',
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
      operationId: 'getWorkflow',
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
      operationId: 'updateWorkflow',
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
      operationId: 'deleteWorkflow',
      tags,
      summary: 'Delete a workflow, its versions, runs and schedule (refused while a run of it is queued, pending or running)',
      request: { params: WsIdParams },
      responses: { 204: { description: 'deleted' }, 409: err('`runs_in_progress`: a run of the workflow is queued, pending or running'), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const w = await lifecycle.delete({ workspaceId: a.workspace.id, id: p.id, audit: auditContext(c, a.principal) }).catch((e: unknown) => {
        if (e instanceof WorkflowRunsOpenError) throw new HttpError(409, e.code, e.message);
        throw e;
      });
      if (!w) throw notFound('workflow');
      return c.body(null, 204);
    },
  );

  const ActivatedSchema = ActivateResultSchema.extend({ scheduleSync: z.enum(['ok', 'failed']).optional() });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/activate',
      operationId: 'activateWorkflow',
      tags,
      summary:
        'Turn the workflow on. With unpublished changes, `version` says which runs (409 `choice_required` without it): `draft` publishes the draft as the next version, `live` runs the version published last',
      request: { params: WsIdParams, body: { required: false, content: { 'application/json': { schema: ActivateBodySchema } } } },
      responses: { 200: json(ActivatedSchema), 409: { description: 'the choice of version is missing or impossible' }, ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const parsed = ActivateBodySchema.safeParse((await c.req.text()) ? await c.req.json() : {});
      if (!parsed.success) throw invalid(describeIssues(parsed.error));
      let done: ActivateResult | null;
      try {
        done = await lifecycle.activate({
          workspaceId: a.workspace.id,
          id: p.id,
          publishedBy: a.userId,
          choice: parsed.data.version,
          audit: auditContext(c, a.principal),
        });
      } catch (err) {
        if (err instanceof VersionChoiceError) throw new HttpError(409, err.code, err.message, 'version');
        throw err;
      }
      if (!done) throw notFound('workflow');
      return c.json(await activated(done, 'activate'), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/publish',
      operationId: 'publishWorkflow',
      tags,
      summary:
        'Publish the draft as the next version and turn the workflow on; a draft equal to the version published last publishes nothing (published: false)',
      request: { params: WsIdParams },
      responses: { 200: json(ActivatedSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const done = await lifecycle.publish({ workspaceId: a.workspace.id, id: p.id, publishedBy: a.userId, audit: auditContext(c, a.principal) });
      if (!done) throw notFound('workflow');
      return c.json(await activated(done, 'publish'), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/deactivate',
      operationId: 'deactivateWorkflow',
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
      operationId: 'listWorkflowVersions',
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

  const VersionNumberParams = WsIdParams.extend({ version: z.coerce.number().int().min(1).max(999_999_999) });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/workflows/{id}/versions/{version}',
      operationId: 'getWorkflowVersion',
      tags,
      summary: 'One published version by its number (read-only)',
      request: { params: VersionNumberParams },
      responses: { 200: json(VersionDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const w = await load(a.workspace.id, p.id);
      const v = (await side(w, String(p.version))).def as WorkflowVersionRow;
      return c.json(versionDto(v), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/workflows/{id}/diff',
      tags,
      summary: 'What differs between two versions (`from`, `to`: draft, live or a version number; default live → draft), in words',
      request: { params: WsIdParams, query: DiffQuerySchema },
      responses: { 200: json(DiffDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const q = c.req.valid('query');
      const a = await workspaceAccess(c, deps, p.ws);
      const w = await load(a.workspace.id, p.id);
      const from = await side(w, q.from);
      const to = await side(w, q.to);
      return c.json(
        { from: { label: from.label, version: from.version }, to: { label: to.label, version: to.version }, changes: diffDefinitions(from.def, to.def) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/workflows/{id}/versions/{version}/restore',
      tags,
      summary: 'Copy a published version into the draft (nothing is published; publish to make it live)',
      request: { params: VersionNumberParams },
      responses: { 200: json(WorkflowDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', CHANGE);
      const w = await load(a.workspace.id, p.id);
      const v = (await side(w, String(p.version))).def as WorkflowVersionRow;
      const restored = await lifecycle.updateDraft({
        workspaceId: a.workspace.id,
        id: w.id,
        fields: { name: v.name, trigger: v.trigger, actions: v.actions },
        audit: auditContext(c, a.principal),
      });
      if (!restored) throw notFound('workflow');
      return c.json(await dto(restored), 200);
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
      operationId: 'testWorkflow',
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
        if (!(err instanceof RunQuotaError))
          deps.log?.error('test run start failed', { workflowId: w.id, error: err instanceof Error ? err.message : String(err) });
        throw runStartError(err, 'the run could not be started (Temporal unreachable); try again');
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
