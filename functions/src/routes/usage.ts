import { createRoute } from '@hono/zod-openapi';
import { WorkspaceUsageDtoSchema } from '@conduit/core/api';
import { workspaceUsage } from '@conduit/core/domain';
import { workspaceAccess } from '../http/context';
import { notFound } from '../http/errors';
import { WsParams, errors, json, type Api, type RouteDeps } from './common';

/** The workspace's limits and usage; any member may look (an operator changes the limits). */
export function usageRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/usage',
      tags: ['usage'],
      summary: 'The workspace’s limits (events per second, concurrent runs, monthly runs) and what it uses of them now',
      request: { params: WsParams },
      responses: { 200: json(WorkspaceUsageDtoSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'member', 'see usage');
      const usage = await workspaceUsage(deps.db, a.workspace.id, deps.now());
      if (!usage) throw notFound('workspace');
      return c.json(usage, 200);
    },
  );
}
