import { createRoute, z } from '@hono/zod-openapi';
import {
  AcceptInviteBodySchema,
  AcceptInviteResultSchema,
  AuthOptionsSchema,
  EndedSchema,
  InvitationViewSchema,
  PasswordChangeBodySchema,
  SessionDtoSchema,
  SignupBodySchema,
  pageOf,
} from '@conduit/core/api';
import {
  acceptInvitation,
  addMember,
  authenticate,
  createUser,
  createWorkspace,
  endOtherSessions,
  endSession,
  findInvitation,
  findUserByEmail,
  findWorkspace,
  hashPassword,
  listSessions,
  passwordProblem,
  recordAudit,
  setPassword,
  type SessionInfo,
} from '@conduit/core/domain';
import { clientAddress } from '../http/client-address';
import { requirePrincipal } from '../http/context';
import { HttpError, invalid, notFound } from '../http/errors';
import { startSession } from './auth';
import { body, errors, json, type Api, type RouteDeps } from './common';

const iso = (d: Date) => d.toISOString();

/** "Firefox on Linux": enough to tell one's own devices apart, from the User-Agent. */
export function describeDevice(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(ua)
        ? /HeadlessChrome/.test(ua)
          ? 'Headless Chrome'
          : 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : /curl\//.test(ua)
            ? 'curl'
            : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}
const sessionDto = (s: SessionInfo) => ({
  id: s.id,
  device: describeDevice(s.userAgent),
  clientAddress: s.clientAddress,
  createdAt: iso(s.createdAt),
  lastSeenAt: iso(s.lastSeenAt),
  current: s.current,
});

async function checkPassword(password: string, who: { email: string; name?: string }, field: string): Promise<void> {
  const problem = await passwordProblem(password, who);
  if (problem) throw invalid([{ code: 'weak_password', message: `${field === 'newPassword' ? 'New password' : 'Password'}: ${problem}`, path: field }]);
}

/** Sign-up, one's own sessions and password, and the invitation pages (public: the token is the credential). */
export function accountRoutes(app: Api, deps: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/auth/options',
      tags: ['auth'],
      summary: 'What the sign-in page offers (whether sign-up is open)',
      security: [],
      responses: { 200: json(AuthOptionsSchema) },
    }),
    (c) => c.json({ signup: deps.config.SIGNUP === 'open' }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/signup',
      tags: ['auth'],
      summary: 'Self-service sign-up (SIGNUP=open): a new workspace with the caller as its first admin; signs in',
      security: [],
      request: { body: body(SignupBodySchema) },
      responses: { 201: json(AcceptInviteResultSchema), 400: errors[400], 404: errors[404], 409: errors[400] },
    }),
    async (c) => {
      if (deps.config.SIGNUP !== 'open') throw new HttpError(404, 'signup_closed', 'sign-up is closed on this server; ask an admin to invite you');
      const b = c.req.valid('json');
      await checkPassword(b.password, { email: b.email, name: b.name }, 'password');
      if (await findUserByEmail(deps.db, b.email))
        throw new HttpError(409, 'email_taken', 'Email: an account with this email exists; sign in instead', 'email');
      if (await findWorkspace(deps.db, b.workspaceSlug))
        throw new HttpError(409, 'slug_taken', 'Workspace address: this address is taken; choose another', 'workspaceSlug');
      const passwordHash = await hashPassword(b.password);
      const { user, ws } = await deps.db.transaction(async (tx) => {
        const ws = await createWorkspace(tx, { name: b.workspaceName, slug: b.workspaceSlug });
        const user = await createUser(tx, { email: b.email, name: b.name, passwordHash });
        await addMember(tx, { workspaceId: ws.id, userId: user.id, role: 'admin' });
        await recordAudit(tx, {
          workspaceId: ws.id,
          actor: { kind: 'user', id: user.id, name: user.name },
          action: 'member.joined',
          target: { type: 'user', id: user.id, name: user.email },
          summary: 'signed up and created the workspace as its first admin',
          clientAddress: clientAddress(c),
        });
        return { user, ws };
      });
      await startSession(c, deps, user);
      return c.json(
        { user: { id: user.id, email: user.email, name: user.name }, workspace: { id: ws.id, name: ws.name, slug: ws.slug, role: 'admin' as const } },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me/sessions',
      tags: ['account'],
      summary: 'Your active sessions (device, last seen), the current one marked',
      responses: { 200: json(pageOf(SessionDtoSchema)), 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const p = requirePrincipal(c);
      if (p.kind !== 'session') throw new HttpError(403, 'forbidden', 'sessions belong to people; an API key has none');
      const rows = await listSessions(deps.db, { userId: p.user.id, currentToken: p.token }, deps.now());
      return c.json({ items: rows.map(sessionDto), nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/me/sessions/end-others',
      tags: ['account'],
      summary: 'Sign out everywhere else (every session but this one)',
      responses: { 200: json(EndedSchema), 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const p = requirePrincipal(c);
      if (p.kind !== 'session') throw new HttpError(403, 'forbidden', 'sessions belong to people; an API key has none');
      const ended = await endOtherSessions(deps.db, { userId: p.user.id, keepToken: p.token });
      return c.json({ ended }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/me/sessions/{id}',
      tags: ['account'],
      summary: 'Sign one of your sessions out',
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: { 200: json(EndedSchema), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const p = requirePrincipal(c);
      if (p.kind !== 'session') throw new HttpError(403, 'forbidden', 'sessions belong to people; an API key has none');
      if (!(await endSession(deps.db, { userId: p.user.id, id: c.req.valid('param').id }))) throw notFound('session');
      return c.json({ ended: 1 }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/me/password',
      tags: ['account'],
      summary: 'Change your password; your other sessions end',
      request: { body: body(PasswordChangeBodySchema) },
      responses: { 200: json(EndedSchema), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const p = requirePrincipal(c);
      if (p.kind !== 'session') throw new HttpError(403, 'forbidden', 'an API key cannot change a password');
      const b = c.req.valid('json');
      if (!(await authenticate(deps.db, p.user.email, b.currentPassword)))
        throw invalid([{ code: 'wrong_password', message: 'Current password: this is not your current password', path: 'currentPassword' }]);
      await checkPassword(b.newPassword, p.user, 'newPassword');
      const passwordHash = await hashPassword(b.newPassword);
      const ended = await deps.db.transaction((tx) => setPassword(tx, { userId: p.user.id, passwordHash, keepToken: p.token }));
      return c.json({ ended }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/invites/{token}',
      tags: ['members'],
      summary: 'Who invites you to what (the link’s token is the credential)',
      security: [],
      request: { params: z.object({ token: z.string().min(1).max(200) }) },
      responses: { 200: json(InvitationViewSchema), 404: errors[404] },
    }),
    async (c) => {
      const v = await findInvitation(deps.db, c.req.valid('param').token, deps.now());
      if (!v) throw new HttpError(404, 'invitation_unusable', 'this invitation link was used, revoked or has expired; ask for a new one');
      return c.json(
        {
          workspace: { name: v.workspace.name, slug: v.workspace.slug },
          email: v.invitation.email,
          role: v.invitation.role,
          invitedBy: v.invitedByName,
          expiresAt: iso(v.invitation.expiresAt),
          existingUser: v.existingUser,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/invites/{token}/accept',
      tags: ['members'],
      summary: 'Accept: a new person sends { name, password }; a person with an account signs in first and sends {}',
      security: [],
      request: { params: z.object({ token: z.string().min(1).max(200) }), body: body(AcceptInviteBodySchema) },
      responses: { 200: json(AcceptInviteResultSchema), 400: errors[400], 403: errors[403], 404: errors[404], 409: errors[400] },
    }),
    async (c) => {
      const token = c.req.valid('param').token;
      const b = c.req.valid('json');
      const v = await findInvitation(deps.db, token, deps.now());
      if (!v) throw new HttpError(404, 'invitation_unusable', 'this invitation link was used, revoked or has expired; ask for a new one');
      const p = c.get('principal');
      const signedIn = p?.kind === 'session' ? p.user : null;
      if (signedIn && signedIn.email !== v.invitation.email)
        throw new HttpError(403, 'wrong_account', `this invitation is for ${v.invitation.email}; sign out and accept it as them`);
      if (!signedIn && v.existingUser)
        throw new HttpError(409, 'sign_in_first', `an account for ${v.invitation.email} exists; sign in, then accept the invitation`);
      let newUser: { name: string; passwordHash: string } | null = null;
      if (!signedIn) {
        if (!b.name) throw invalid([{ code: 'required', message: 'Your name: enter your name', path: 'name' }]);
        if (!b.password) throw invalid([{ code: 'required', message: 'Password: choose a password', path: 'password' }]);
        await checkPassword(b.password, { email: v.invitation.email, name: b.name }, 'password');
        newUser = { name: b.name, passwordHash: await hashPassword(b.password) };
      }
      const address = clientAddress(c);
      const done = await deps.db.transaction(async (tx) => {
        const user = signedIn ?? (await createUser(tx, { email: v.invitation.email, name: newUser!.name, passwordHash: newUser!.passwordHash }));
        const r = await acceptInvitation(tx, { token, user }, deps.now());
        if (!r) return null;
        await recordAudit(tx, {
          workspaceId: r.invitation.workspaceId,
          actor: { kind: 'user', id: user.id, name: user.name || user.email },
          action: 'member.joined',
          target: { type: 'user', id: user.id, name: user.email },
          summary: `accepted the invitation; joined as ${r.role}`,
          clientAddress: address,
        });
        return { user, role: r.role };
      });
      if (!done) throw new HttpError(404, 'invitation_unusable', 'this invitation link was used, revoked or has expired; ask for a new one');
      if (!signedIn) await startSession(c, deps, done.user);
      return c.json(
        {
          user: { id: done.user.id, email: done.user.email, name: done.user.name },
          workspace: { id: v.workspace.id, name: v.workspace.name, slug: v.workspace.slug, role: done.role },
        },
        200,
      );
    },
  );
}
