import { createRoute } from '@hono/zod-openapi';
import { ApiKeyCreateBodySchema, ApiKeyCreatedSchema, ApiKeyDtoSchema, pageOf } from '@conduit/core/api';
import { audit, createApiKey, listApiKeys, revokeApiKey } from '@conduit/core/domain';
import { auditContext } from '../http/audit-context';
import { workspaceAccess } from '../http/context';
import { apiKeyDto } from '../http/dto';
import { invalid, notFound } from '../http/errors';
import { WsIdParams, WsParams, body, errors, json, type Api, type RouteDeps } from './common';

export function apiKeyRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/api-keys',
      tags: ['api keys'],
      summary: 'List API keys (never the keys themselves)',
      request: { params: WsParams },
      responses: { 200: json(pageOf(ApiKeyDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'manage API keys');
      const items = await listApiKeys(deps.db, a.workspace.id);
      return c.json({ items: items.map(apiKeyDto), nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/api-keys',
      tags: ['api keys'],
      summary: 'Create an API key; the key is returned once',
      request: { params: WsParams, body: body(ApiKeyCreateBodySchema) },
      responses: { 201: json(ApiKeyCreatedSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'manage API keys');
      const b = c.req.valid('json');
      const expiresAt = b.expiresAt ? new Date(b.expiresAt) : null;
      if (expiresAt && expiresAt <= deps.now()) throw invalid([{ code: 'invalid', message: 'expiresAt: must be in the future', path: 'expiresAt' }]);
      const ctx = auditContext(c, a.principal);
      const { key, info } = await deps.db.transaction(async (tx) => {
        const r = await createApiKey(tx, { workspaceId: a.workspace.id, name: b.name, role: b.role, createdBy: a.userId, expiresAt });
        await audit(tx, ctx, {
          workspaceId: a.workspace.id,
          action: 'api_key.created',
          target: { type: 'api_key', id: r.info.id, name: r.info.name },
          summary: `created with role ${r.info.role}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ', no expiry'} (prefix ${r.info.prefix})`,
        });
        return r;
      });
      return c.json({ key, apiKey: apiKeyDto(info) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/workspaces/{ws}/api-keys/{id}',
      tags: ['api keys'],
      summary: 'Revoke an API key',
      request: { params: WsIdParams },
      responses: { 200: json(ApiKeyDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'manage API keys');
      const ctx = auditContext(c, a.principal);
      const key = await deps.db.transaction(async (tx) => {
        const k = await revokeApiKey(tx, { workspaceId: a.workspace.id, id: p.id }, deps.now());
        if (k)
          await audit(tx, ctx, {
            workspaceId: a.workspace.id,
            action: 'api_key.revoked',
            target: { type: 'api_key', id: k.id, name: k.name },
            summary: `revoked (prefix ${k.prefix})`,
          });
        return k;
      });
      if (!key) throw notFound('API key');
      return c.json(apiKeyDto(key), 200);
    },
  );
}
