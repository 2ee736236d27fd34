import { createRoute, z } from '@hono/zod-openapi';
import { ObjectParamSchema } from '@conduit/core/api';
import { ObjectNameSchema } from '@conduit/core/definition';
import { FIELD_SAMPLE, recordFields, recordObjects } from '@conduit/core/domain';
import { workspaceAccess } from '../http/context';
import { invalid } from '../http/errors';
import { WsParams, errors, json, type Api, type RouteDeps } from './common';

const tags = ['records'];
const NamesSchema = z.object({ items: z.array(z.string()) });

/**
 * What the editor suggests in object and field pickers (find_records' `where`, upsert's match):
 * records are schemaless, so both come from the records themselves.
 */
export function objectRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/objects',
      tags,
      summary: 'Object names that have records in the workspace',
      request: { params: WsParams },
      responses: { 200: json(NamesSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      return c.json({ items: await recordObjects(deps.db, a.workspace.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/objects/{object}/fields',
      tags,
      summary: `Field names on the newest ${FIELD_SAMPLE} records of an object`,
      request: { params: WsParams.extend({ object: ObjectParamSchema }) },
      responses: { 200: json(NamesSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws);
      const object = ObjectNameSchema.safeParse(p.object);
      if (!object.success) throw invalid([{ code: 'invalid', message: 'object: use lowercase letters, digits and _ (for example "deal")', path: 'object' }]);
      return c.json({ items: await recordFields(deps.db, { workspaceId: a.workspace.id, object: object.data }) }, 200);
    },
  );
}
