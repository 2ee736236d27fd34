import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { classifyDbError, dbFailureReply } from '@conduit/core/db';
import { InvalidInputError, pingDatabase } from '@conduit/core/domain';
import type { AppDeps } from './deps';
import { createHookResolver, createIngress } from './ingress';
import { apiBodyLimit, jsonGuard, urlGuard } from './http/body-guard';
import { finishDocument, methodNotAllowed, methodTable, type OpenApiDocument } from './http/openapi';
import { securityHeadersMiddleware } from './http/security-headers';
import { resolvePrincipal, type Env } from './http/context';
import { errorJson, HttpError, invalid, unauthorized, zodInvalid } from './http/errors';
import { accountRoutes } from './routes/account';
import { apiKeyRoutes } from './routes/api-keys';
import { composeRoutes } from './routes/compose';
import { approvalRoutes } from './routes/approvals';
import { authRoutes } from './routes/auth';
import type { RouteDeps } from './routes/common';
import { devMailRoutes } from './routes/dev-mail';
import { failureAlertRoutes } from './routes/failure-alerts';
import { retentionRoutes } from './routes/retention';
import { usageRoutes } from './routes/usage';
import { eventRoutes } from './routes/events';
import { executionRoutes } from './routes/executions';
import { recordRoutes } from './routes/records';
import { objectRoutes } from './routes/objects';
import { teamRoutes } from './routes/team';
import { secretRoutes } from './routes/secrets';
import { TEMPORAL_CODEC_PATH, temporalCodecCors, temporalCodecRoutes } from './routes/temporal-codec';
import { workflowRoutes } from './routes/workflows';
import { staticHandler } from './static';

export type { AppDeps } from './deps';

/**
 * The whole HTTP surface: the settings API under /api (documented at /api/openapi.json), the
 * public webhook ingress under /hooks, and the web app at / when `staticDir` is set.
 */
export function createApp(deps: AppDeps): OpenAPIHono<Env> {
  const hooks = deps.hooks ?? createHookResolver({ db: deps.db, box: deps.secrets });
  const d: RouteDeps = { ...deps, hooks, now: () => deps.clock?.() ?? new Date() };

  const app = new OpenAPIHono<Env>({
    // Route schema failures → 400 naming the field, in the API's error format.
    defaultHook: (result, c) => {
      if (!result.success) return errorJson(c, zodInvalid(result.error, result.target));
      return undefined;
    },
  });

  app.onError((err, c) => {
    if (err instanceof HttpError) return errorJson(c, err);
    // The domain's refusals (definition and input rules) answer 400 like the routes' own.
    if (err instanceof InvalidInputError) return errorJson(c, invalid(err.issues, err.code));
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 400 ? 'malformed_json' : status === 413 ? 'payload_too_large' : 'bad_request';
      return errorJson(c, new HttpError(status, code, err.message || 'bad request'));
    }
    // The database down or its disk full: the caller's request was fine, so say what is wrong and when to retry.
    const dbFailure = classifyDbError(err);
    if (dbFailure) {
      const r = dbFailureReply(dbFailure);
      deps.log?.warn('database failure', { path: c.req.path, kind: dbFailure, error: err instanceof Error ? err.message : String(err) });
      c.header('Retry-After', String(r.retryAfterSeconds));
      return c.json({ error: { code: r.code, message: r.message } }, r.status);
    }
    deps.log?.error('unhandled error', { path: c.req.path, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return c.json({ error: { code: 'internal', message: 'something went wrong; the request was not applied' } }, 500);
  });

  // First: every answer (app, API, hooks, errors, 404s) carries the security headers.
  app.use(securityHeadersMiddleware());
  // Before the API's middleware: the Temporal UI's preflight carries no credentials.
  app.use(`${TEMPORAL_CODEC_PATH}/*`, temporalCodecCors(deps.config));
  app.use(
    '/api/*',
    async (c, next) => {
      c.header('Cache-Control', 'no-store');
      const principal = await resolvePrincipal(c, d);
      // Workspace routes all need a caller: refuse a missing one before the body is read or validated,
      // so an anonymous request gets 401 and learns nothing about the shape of a valid one.
      if (
        !principal &&
        (c.req.path.startsWith('/api/workspaces/') ||
          c.req.path === '/api/me' ||
          c.req.path.startsWith('/api/me/') ||
          c.req.path.startsWith(TEMPORAL_CODEC_PATH))
      )
        throw unauthorized();
      c.set('principal', principal);
      await next();
    },
    urlGuard,
    apiBodyLimit(),
    jsonGuard,
  );

  authRoutes(app, d);
  apiKeyRoutes(app, d);
  composeRoutes(app, d);
  workflowRoutes(app, d);
  executionRoutes(app, d);
  eventRoutes(app, d);
  recordRoutes(app, d);
  objectRoutes(app, d);
  devMailRoutes(app, d);
  teamRoutes(app, d);
  accountRoutes(app, d);
  secretRoutes(app, d);
  temporalCodecRoutes(app, d);
  approvalRoutes(app, d);
  failureAlertRoutes(app, d);
  retentionRoutes(app, d);
  usageRoutes(app, d);

  app.get('/api/health', async (c) => {
    try {
      await pingDatabase(deps.db);
      return c.json({ status: 'ok' }, 200);
    } catch {
      return c.json({ status: 'unavailable', error: { code: 'db_unavailable', message: 'the database is unreachable' } }, 503);
    }
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'conduit_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  // Generated from the route schemas once every route is registered, then finished (openapi.ts).
  let document: OpenApiDocument | undefined;
  let methods: ReturnType<typeof methodTable> | undefined;
  const finished = () =>
    (document ??= finishDocument(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Conduit settings API',
          version: '1.0.0',
          description: 'Workflows, runs, records and events of a workspace. Errors: { error: { code, message, path? } }.',
        },
        security: [{ session: [] }, { apiKey: [] }],
      }),
    ));
  app.get('/api/openapi.json', (c) => c.json(finished(), 200));

  app.route(
    '/hooks',
    createIngress({
      db: deps.db,
      queue: deps.queue,
      config: deps.config,
      secrets: deps.secrets,
      hooks,
      ...(deps.hookHandler ? { handler: deps.hookHandler } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    }),
  );

  app.all('/api/*', (c) => {
    methods ??= methodTable(finished());
    return methodNotAllowed(c, methods) ?? c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404);
  });
  if (deps.staticDir) app.get('*', staticHandler(deps.staticDir));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}
