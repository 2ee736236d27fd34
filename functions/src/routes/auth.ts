import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { LoginBodySchema, LoginResultSchema, MeDtoSchema, type MeDto } from '@conduit/core/api';
import {
  authenticate,
  createSession,
  deleteSession,
  findUserByEmail,
  findWorkspace,
  listUserWorkspaces,
  recordAudit,
  SESSION_TTL_MS,
  type UserRow,
  type WorkspaceWithRole,
} from '@conduit/core/domain';
import { HttpError, unauthorized } from '../http/errors';
import { SESSION_COOKIE, requirePrincipal } from '../http/context';
import { clientAddress } from '../http/client-address';
import { createLoginLimiter } from '../http/login-limit';
import { errors, json, body, type Api, type RouteDeps } from './common';

export const wsDto = (w: WorkspaceWithRole) => ({ id: w.id, name: w.name, slug: w.slug, role: w.role });

/** Starts a session for the user and sets its cookie (sign-in, sign-up and accepting an invitation). */
export async function startSession(c: Context, deps: RouteDeps, user: Pick<UserRow, 'id'>): Promise<void> {
  const session = await createSession(deps.db, user.id, deps.now(), { userAgent: c.req.header('user-agent') ?? null, clientAddress: clientAddress(c) });
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: deps.config.SECURE_COOKIES,
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** login.succeeded / login.failed in every workspace of the person (a sign-in belongs to no single one). */
async function auditLogin(deps: RouteDeps, c: Context, user: UserRow, ok: boolean): Promise<void> {
  const wss = await listUserWorkspaces(deps.db, user.id);
  if (!wss.length) return;
  const address = clientAddress(c);
  await deps.db.transaction(async (tx) => {
    for (const w of wss)
      await recordAudit(tx, {
        workspaceId: w.id,
        actor: { kind: 'user', id: user.id, name: user.name || user.email },
        action: ok ? 'login.succeeded' : 'login.failed',
        target: { type: 'user', id: user.id, name: user.email },
        summary: ok ? 'signed in' : 'wrong password',
        clientAddress: address,
      });
  });
}

export function authRoutes(app: Api, deps: RouteDeps): void {
  const limits = deps.loginLimit ?? { attempts: 10, windowMs: 15 * 60_000 };
  // Two counters: per (email, address), and per email alone with a higher bound, so even an
  // attacker with many real addresses gets a bounded number of guesses at one account.
  const limiter = createLoginLimiter(limits, () => deps.now().getTime());
  const perEmail = createLoginLimiter({ attempts: limits.attempts * 5, windowMs: limits.windowMs }, () => deps.now().getTime());

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/login',
      operationId: 'login',
      tags: ['auth'],
      summary: 'Sign in; sets the session cookie',
      request: { body: body(LoginBodySchema) },
      responses: {
        200: json(LoginResultSchema),
        400: errors[400],
        401: errors[401],
        429: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'too many attempts'),
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const who = email.toLowerCase();
      const key = `${who}|${clientAddress(c) ?? 'unknown'}`;
      const wait = Math.max(limiter.check(key), perEmail.check(who));
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        throw new HttpError(429, 'rate_limited', `too many sign-in attempts; try again in ${wait} s`);
      }
      const user = await authenticate(deps.db, email, password);
      if (!user) {
        limiter.fail(key);
        perEmail.fail(who);
        const known = await findUserByEmail(deps.db, email);
        if (known) await auditLogin(deps, c, known, false);
        // One message for unknown email and wrong password: no user enumeration.
        throw new HttpError(401, 'invalid_credentials', 'wrong email or password');
      }
      limiter.reset(key);
      await startSession(c, deps, user);
      await auditLogin(deps, c, user, true);
      const wss = await listUserWorkspaces(deps.db, user.id);
      return c.json({ user: { id: user.id, email: user.email, name: user.name }, workspaces: wss.map(wsDto) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/logout',
      operationId: 'logout',
      tags: ['auth'],
      summary: 'Sign out (ends the session); without one there is nothing to end, and the answer is the same',
      security: [],
      responses: { 200: json(z.object({ ok: z.boolean() })) },
    }),
    async (c) => {
      const p = c.get('principal');
      if (p?.kind === 'session') await deleteSession(deps.db, p.token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me',
      operationId: 'getMe',
      tags: ['auth'],
      summary: 'The caller, their workspaces and roles',
      responses: { 200: json(MeDtoSchema), 401: errors[401] },
    }),
    async (c) => {
      const p = requirePrincipal(c);
      const temporalUiUrl = deps.config.TEMPORAL_UI_URL;
      if (p.kind === 'session') {
        const wss = await listUserWorkspaces(deps.db, p.user.id);
        const me: MeDto = { user: { id: p.user.id, email: p.user.email, name: p.user.name }, apiKey: null, workspaces: wss.map(wsDto), temporalUiUrl };
        return c.json(me, 200);
      }
      const ws = await findWorkspace(deps.db, p.key.workspaceId);
      if (!ws) throw unauthorized();
      const me: MeDto = {
        user: null,
        apiKey: { id: p.key.id, name: p.key.name, role: p.key.role },
        workspaces: [wsDto({ ...ws, role: p.key.role })],
        temporalUiUrl,
      };
      return c.json(me, 200);
    },
  );
}
