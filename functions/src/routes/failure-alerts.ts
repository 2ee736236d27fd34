import { createRoute, z } from '@hono/zod-openapi';
import { FailureAlertSettingsBodySchema, FailureAlertSettingsDtoSchema, WorkflowAlertBodySchema } from '@conduit/core/api';
import { generateWebhookSecret } from '@conduit/core/crypto';
import { audit, failureAlertChanges, getFailureAlertSettings, setWorkflowFailureAlerts, updateFailureAlertSettings } from '@conduit/core/domain';
import { auditContext } from '../http/audit-context';
import { workspaceAccess } from '../http/context';
import { notFound } from '../http/errors';
import { WsIdParams, WsParams, body, errors, json, type Api, type RouteDeps } from './common';

const tags = ['failure alerts'];

/** The workspace failure alert (on by default: the admins get a digest email) and its per-workflow switch. */
export function failureAlertRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/failure-alerts',
      tags,
      summary: 'The failure alert: on or off, recipients (null: every admin), webhook, muted workflows',
      request: { params: WsParams },
      responses: { 200: json(FailureAlertSettingsDtoSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'see failure alerts');
      return c.json(await getFailureAlertSettings(deps.db, a.workspace.id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/workspaces/{ws}/failure-alerts',
      tags,
      summary: 'Change the failure alert; a new webhook URL gets a new signing secret, returned once',
      request: { params: WsParams, body: body(FailureAlertSettingsBodySchema) },
      responses: {
        200: json(FailureAlertSettingsDtoSchema.extend({ webhookSecret: z.string().nullable().meta({ description: 'the new signing secret, shown once' }) })),
        ...errors,
      },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'change failure alerts');
      const ctx = auditContext(c, a.principal);
      const { settings, secret } = await deps.db.transaction(async (tx) => {
        const before = await getFailureAlertSettings(tx, a.workspace.id);
        const r = await updateFailureAlertSettings(tx, a.workspace.id, c.req.valid('json'), () => {
          const plain = generateWebhookSecret();
          return { plain, sealed: deps.secrets.seal(plain) };
        });
        const summary = failureAlertChanges(before, r.settings, r.secret !== null);
        if (summary)
          await audit(tx, ctx, {
            workspaceId: a.workspace.id,
            action: 'failure_alert.changed',
            target: { type: 'failure_alert', id: a.workspace.id, name: 'Failure alerts' },
            summary,
          });
        return r;
      });
      return c.json({ ...settings, webhookSecret: secret }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/workspaces/{ws}/workflows/{id}/failure-alerts',
      tags,
      summary: "Include (true) or leave out (false) this workflow's failures from the failure alert",
      request: { params: WsIdParams, body: body(WorkflowAlertBodySchema) },
      responses: { 200: json(FailureAlertSettingsDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'change failure alerts');
      const on = c.req.valid('json').failureAlerts;
      const ctx = auditContext(c, a.principal);
      const found = await deps.db.transaction(async (tx) => {
        const w = await setWorkflowFailureAlerts(tx, { workspaceId: a.workspace.id, id: p.id, on });
        if (w && w.was !== on)
          await audit(tx, ctx, {
            workspaceId: a.workspace.id,
            action: 'workflow.failure_alerts_changed',
            target: { type: 'workflow', id: w.id, name: w.name },
            summary: on ? 'its failures are in the failure alert again' : 'its failures are left out of the failure alert',
          });
        return w;
      });
      if (!found) throw notFound('workflow');
      return c.json(await getFailureAlertSettings(deps.db, a.workspace.id), 200);
    },
  );
}
