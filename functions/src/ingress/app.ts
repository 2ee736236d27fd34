import { Hono } from 'hono';
import { securityHeadersMiddleware } from '../http/security-headers';
import { nodeIncoming, readBody } from './body';
import { createHookHandler, type HookHandler, type IngressDeps } from './handler';

export type { IngressDeps } from './handler';

/**
 * The public webhook ingress as a Hono app, mounted at /hooks (Lambda, tests, the API app):
 * `POST /hooks/:hookId` (GET when the trigger sets allowGet). The logic is the framework-free
 * hook handler; the local server also calls that handler straight from node:http.
 */
export function createIngress(deps: IngressDeps & { handler?: HookHandler }): Hono {
  const handle = deps.handler ?? createHookHandler(deps);
  const app = new Hono();
  // Here as well as in the API app: the ingress Lambda serves this app alone.
  app.use(securityHeadersMiddleware({ as: 'api' }));
  app.all('/:hookId', async (c) => {
    const raw = c.req.raw;
    const reply = await handle({
      method: c.req.method,
      hookId: c.req.param('hookId'),
      header: (name) => raw.headers.get(name) ?? undefined,
      headers: () => raw.headers.entries(),
      query: () => c.req.query(),
      readBody: (limit) => readBody(raw, limit, nodeIncoming(c.env)),
    });
    for (const [k, v] of Object.entries(reply.headers ?? {})) c.header(k, v);
    return c.json(reply.body, reply.status);
  });
  return app;
}
