import { createRoute, z } from '@hono/zod-openapi';
import { ObjectParamSchema, PageQuerySchema, RecordDtoSchema, RecordPatchBodySchema, RecordWriteBodySchema, pageOf } from '@conduit/core/api';
import { describeIssues, JsonObjectSchema, ObjectNameSchema } from '@conduit/core/definition';
import { companyInWorkspace, createRecord, deleteRecord, getRecord, listRecords, updateRecord, type StoredEvent } from '@conduit/core/domain';
import { workspaceAccess } from '../http/context';
import { recordDto } from '../http/dto';
import { invalid, notFound } from '../http/errors';
import { WsParams, body, errors, json, type Api, type RouteDeps } from './common';

const tags = ['records'];
const ObjParams = WsParams.extend({ object: ObjectParamSchema });
const ObjIdParams = ObjParams.extend({ id: z.string().min(1).max(200) });

function objectName(raw: string): string {
  const r = ObjectNameSchema.safeParse(raw);
  if (!r.success) throw invalid(describeIssues(r.error, ['params', 'object']));
  return r.data;
}
/** Record data is stored as JSON: checked with the same schema the definitions use. */
function recordData(raw: unknown): Record<string, import('@conduit/core/definition').Json> {
  const r = JsonObjectSchema.safeParse(raw);
  if (!r.success) throw invalid(describeIssues(r.error, ['data']));
  return r.data;
}

export function recordRoutes(app: Api, deps: RouteDeps): void {
  /** After commit: the event is already durable (outbox), so a failed publish is left to the sweeper. */
  const publish = (event: StoredEvent) =>
    deps.queue
      .publish(event)
      .catch((err: unknown) => deps.log?.warn('event publish failed; the sweeper will resend it', { eventId: event.id, error: String(err) }));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/records/{object}',
      operationId: 'listRecords',
      tags,
      summary: 'Records of one object type, newest first',
      request: { params: ObjParams, query: PageQuerySchema },
      responses: { 200: json(pageOf(RecordDtoSchema)), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const q = c.req.valid('query');
      const page = await listRecords(deps.db, {
        workspaceId: a.workspace.id,
        object: objectName(p.object),
        cursor: q.cursor ?? null,
        ...(q.limit ? { limit: q.limit } : {}),
      });
      return c.json({ items: page.items.map(recordDto), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/records/{object}',
      operationId: 'createRecord',
      tags,
      summary: 'Create a record (emits record.created)',
      request: { params: ObjParams, body: body(RecordWriteBodySchema) },
      responses: { 201: json(RecordDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const object = objectName(p.object);
      const b = c.req.valid('json');
      const data = recordData(b.data);
      if (b.companyId && !(await companyInWorkspace(deps.db, a.workspace.id, b.companyId)))
        throw invalid([{ code: 'invalid', message: 'companyId: no such company in this workspace', path: 'companyId' }]);
      const change = await createRecord(deps.db, { workspaceId: a.workspace.id, object, data, companyId: b.companyId ?? null });
      await publish(change.event);
      return c.json(recordDto(change.record), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/records/{object}/{id}',
      operationId: 'getRecord',
      tags,
      summary: 'One record',
      request: { params: ObjIdParams },
      responses: { 200: json(RecordDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const r = await getRecord(deps.db, { workspaceId: a.workspace.id, object: objectName(p.object), id: p.id });
      if (!r) throw notFound('record');
      return c.json(recordDto(r), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/workspaces/{ws}/records/{object}/{id}',
      operationId: 'updateRecord',
      tags,
      summary: 'Merge fields into a record (emits record.updated)',
      request: { params: ObjIdParams, body: body(RecordPatchBodySchema) },
      responses: { 200: json(RecordDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const object = objectName(p.object);
      const data = recordData(c.req.valid('json').data);
      const change = await updateRecord(deps.db, { workspaceId: a.workspace.id, object, id: p.id, data });
      if (!change) throw notFound('record');
      await publish(change.event);
      return c.json(recordDto(change.record), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/workspaces/{ws}/records/{object}/{id}',
      operationId: 'deleteRecord',
      tags,
      summary: 'Delete a record (emits record.deleted)',
      request: { params: ObjIdParams },
      responses: { 204: { description: 'deleted' }, ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const change = await deleteRecord(deps.db, { workspaceId: a.workspace.id, object: objectName(p.object), id: p.id });
      if (!change) throw notFound('record');
      await publish(change.event);
      return c.body(null, 204);
    },
  );
}
