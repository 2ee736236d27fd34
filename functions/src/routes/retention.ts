import { createRoute } from '@hono/zod-openapi';
import { RetentionSettingsBodySchema, RetentionSettingsDtoSchema } from '@conduit/core/api';
import { audit, getRunRetentionDays, setRunRetentionDays } from '@conduit/core/domain';
import { auditContext } from '../http/audit-context';
import { workspaceAccess } from '../http/context';
import { WsParams, body, errors, json, type Api, type RouteDeps } from './common';

const tags = ['retention'];

/** How long finished runs, their steps and events are kept before the scheduled job deletes them. */
export function retentionRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/retention',
      tags,
      summary: 'How many days finished runs, their steps and events are kept (default 90)',
      request: { params: WsParams },
      responses: { 200: json(RetentionSettingsDtoSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'see the retention setting');
      return c.json({ days: await getRunRetentionDays(deps.db, a.workspace.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/workspaces/{ws}/retention',
      tags,
      summary: 'Change how many days finished runs, their steps and events are kept (1–3650); audited',
      request: { params: WsParams, body: body(RetentionSettingsBodySchema) },
      responses: { 200: json(RetentionSettingsDtoSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'change the retention setting');
      const { days } = c.req.valid('json');
      const ctx = auditContext(c, a.principal);
      await deps.db.transaction(async (tx) => {
        const { before } = await setRunRetentionDays(tx, a.workspace.id, days);
        if (before !== days)
          await audit(tx, ctx, {
            workspaceId: a.workspace.id,
            action: 'retention.updated',
            target: { type: 'workspace', id: a.workspace.id, name: a.workspace.name },
            summary: `runs kept for ${days} days (was ${before})`,
          });
      });
      return c.json({ days }, 200);
    },
  );
}
