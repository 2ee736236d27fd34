import { auditContext } from '../http/audit-context';
import { createRoute } from '@hono/zod-openapi';
import { EventDtoSchema, EventListQuerySchema, HookRefusalsDtoSchema, HookRefusalsQuerySchema, ReplayResultSchema, pageOf } from '@conduit/core/api';
import { audit, getEvent, hookRefusalTotals, listEvents, listHookRefusals } from '@conduit/core/domain';
import { replayAndPublish } from '../dispatch/replay';
import { workspaceAccess } from '../http/context';
import { eventDto } from '../http/dto';
import { notFound } from '../http/errors';
import { WsIdParams, WsParams, errors, json, type Api, type RouteDeps } from './common';

const tags = ['events'];

export function eventRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/events',
      operationId: 'listEvents',
      tags,
      summary: 'Inbound event log with outcomes, newest first (payloads omitted)',
      request: { params: WsParams, query: EventListQuerySchema },
      responses: { 200: json(pageOf(EventDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      const q = c.req.valid('query');
      const page = await listEvents(deps.db, {
        workspaceId: a.workspace.id,
        ...(q.status ? { status: q.status } : {}),
        ...(q.source ? { source: q.source } : {}),
        ...(q.workflowId ? { workflowId: q.workflowId } : {}),
        ...(q.recordId ? { recordId: q.recordId } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      });
      return c.json({ items: page.items.map(eventDto), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/events/{id}',
      operationId: 'getEvent',
      tags,
      summary: 'One event with its payload',
      request: { params: WsIdParams },
      responses: { 200: json(EventDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const e = await getEvent(deps.db, { workspaceId: a.workspace.id, id: p.id });
      if (!e) throw notFound('event');
      return c.json(eventDto(e), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/hook-refusals',
      tags,
      summary: 'Calls the webhook ingress refused, counted per hook, reason and minute (bodies are never stored)',
      request: { params: WsParams, query: HookRefusalsQuerySchema },
      responses: { 200: json(HookRefusalsDtoSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      const q = c.req.valid('query');
      const since = q.since ? new Date(q.since) : new Date(deps.now().getTime() - 7 * 86_400_000);
      const scope = { workspaceId: a.workspace.id, since, ...(q.workflowId ? { workflowId: q.workflowId } : {}) };
      const [totals, minutes] = await Promise.all([
        hookRefusalTotals(deps.db, scope),
        listHookRefusals(deps.db, { ...scope, ...(q.limit ? { limit: q.limit } : {}) }),
      ]);
      return c.json(
        {
          since: since.toISOString(),
          totals: totals.map((t) => ({ ...t, firstAt: t.firstAt.toISOString(), lastAt: t.lastAt.toISOString() })),
          minutes: minutes.map((m) => ({ ...m, minute: m.minute.toISOString(), lastAt: m.lastAt.toISOString() })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/events/{id}/replay',
      operationId: 'replayEvent',
      tags,
      summary: 'Dispatch an event again (reset if unfinished, else a fresh copy)',
      request: { params: WsIdParams },
      responses: { 202: json(ReplayResultSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'replay events');
      const r = await replayAndPublish(deps, { workspaceId: a.workspace.id, id: p.id });
      if (!r) throw notFound('event');
      await audit(deps.db, auditContext(c, a.principal), {
        workspaceId: a.workspace.id,
        action: 'event.replayed',
        target: { type: 'event', id: p.id, name: null },
        summary: r.mode === 'reset' ? 'dispatched again' : `replayed as a fresh copy ${r.event.id}`,
      });
      return c.json({ event: eventDto(r.event), mode: r.mode, replayOf: r.replayOf }, 202);
    },
  );
}
