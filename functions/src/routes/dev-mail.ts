import { createRoute } from '@hono/zod-openapi';
import { DevMailDtoSchema, PageQuerySchema, pageOf } from '@conduit/core/api';
import { listDevMail } from '@conduit/core/domain';
import { workspaceAccess } from '../http/context';
import { devMailDto } from '../http/dto';
import { WsParams, errors, json, type Api, type RouteDeps } from './common';

export function devMailRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/dev-mail',
      tags: ['dev mail'],
      summary: 'Mail kept by the local dev inbox (no SMTP configured), newest first',
      request: { params: WsParams, query: PageQuerySchema },
      responses: { 200: json(pageOf(DevMailDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      const q = c.req.valid('query');
      // Members see the mail runs sent; invitation mail (with its one-time links) only admins.
      const page = await listDevMail(deps.db, { workspaceId: a.workspace.id, cursor: q.cursor, limit: q.limit, runMailOnly: a.role !== 'admin' });
      return c.json({ items: page.items.map(devMailDto), nextCursor: page.nextCursor }, 200);
    },
  );
}
