import { createRoute } from '@hono/zod-openapi';
import { pageOf, SecretDtoSchema, SecretNameParams, SecretPutBodySchema, type SecretDto } from '@conduit/core/api';
import {
  audit,
  checkSecretName,
  deleteSecret,
  listSecrets,
  putSecret,
  SecretInUseError,
  secretUsage,
  type SecretInfo,
  type SecretUser,
} from '@conduit/core/domain';
import { auditContext } from '../http/audit-context';
import { workspaceAccess } from '../http/context';
import { HttpError, notFound } from '../http/errors';
import { WsParams, body, errors, json, type Api, type RouteDeps } from './common';

const dto = (s: SecretInfo, usedBy: SecretUser[]): SecretDto => ({
  name: s.name,
  hint: s.hint,
  createdAt: s.createdAt.toISOString(),
  createdBy: s.createdBy,
  updatedAt: s.updatedAt.toISOString(),
  updatedBy: s.updatedBy,
  usedBy,
});

const NameParams = WsParams.extend(SecretNameParams.shape);
const conflictError = {
  409: { description: 'the secret is used by active workflows (named in the message)', content: errors[400].content },
} as const;

/** Workspace secrets: admins set and delete them; no route ever answers with a value. */
export function secretRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/secrets',
      tags: ['secrets'],
      summary: 'List secrets: names, hints and which workflows use each (never the values)',
      request: { params: WsParams },
      responses: { 200: json(pageOf(SecretDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'manage secrets');
      const [items, usage] = await Promise.all([listSecrets(deps.db, a.workspace.id), secretUsage(deps.db, a.workspace.id)]);
      return c.json({ items: items.map((s) => dto(s, usage.get(s.name) ?? [])), nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/workspaces/{ws}/secrets/{name}',
      tags: ['secrets'],
      summary: 'Create or replace a secret; the next step that uses it gets the new value',
      request: { params: NameParams, body: body(SecretPutBodySchema) },
      responses: { 200: json(SecretDtoSchema, 'replaced'), 201: json(SecretDtoSchema, 'created'), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'manage secrets');
      checkSecretName(p.name);
      const ctx = auditContext(c, a.principal);
      const { created, secret } = await deps.db.transaction(async (tx) => {
        const r = await putSecret(tx, deps.secrets, {
          workspaceId: a.workspace.id,
          name: p.name,
          value: c.req.valid('json').value,
          by: a.userId,
          at: deps.now(),
        });
        // The name only: neither the value nor its hint goes into the log.
        await audit(tx, ctx, {
          workspaceId: a.workspace.id,
          action: 'secret.set',
          target: { type: 'secret', id: r.secret.name, name: r.secret.name },
          summary: r.created ? 'created' : 'value replaced',
        });
        return r;
      });
      const usage = await secretUsage(deps.db, a.workspace.id);
      return c.json(dto(secret, usage.get(secret.name) ?? []), created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/workspaces/{ws}/secrets/{name}',
      tags: ['secrets'],
      summary: 'Delete a secret, unless an active workflow uses it (409 naming them)',
      request: { params: NameParams },
      responses: { 200: json(SecretDtoSchema), ...errors, ...conflictError },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', 'manage secrets');
      const usage = await secretUsage(deps.db, a.workspace.id);
      const ctx = auditContext(c, a.principal);
      try {
        const gone = await deps.db.transaction(async (tx) => {
          const g = await deleteSecret(tx, { workspaceId: a.workspace.id, name: p.name });
          if (g)
            await audit(tx, ctx, {
              workspaceId: a.workspace.id,
              action: 'secret.deleted',
              target: { type: 'secret', id: g.name, name: g.name },
              summary: 'deleted',
            });
          return g;
        });
        if (!gone) throw notFound('secret');
        return c.json(dto(gone, usage.get(gone.name) ?? []), 200);
      } catch (e) {
        if (e instanceof SecretInUseError) throw new HttpError(409, 'secret_in_use', e.message);
        throw e;
      }
    },
  );
}
