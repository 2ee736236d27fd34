import { createRoute, z } from '@hono/zod-openapi';
import {
  AuditEntryDtoSchema,
  AuditQuerySchema,
  InvitationCreatedSchema,
  InvitationDtoSchema,
  InviteBodySchema,
  MemberDtoSchema,
  MemberPatchBodySchema,
  pageOf,
} from '@conduit/core/api';
import {
  audit,
  changeMemberRole,
  createInvitation,
  LastAdminError,
  listAudit,
  listMembers,
  listPendingInvitations,
  removeMember,
  revokeInvitation,
  type AuditEntryRow,
  type InvitationRow,
  type MemberRow,
} from '@conduit/core/domain';
import { createMailer, invitationMail, type Mailer } from '@conduit/core/mail';
import { auditContext } from '../http/audit-context';
import { workspaceAccess } from '../http/context';
import { HttpError, notFound } from '../http/errors';
import { WsParams, body, errors, json, type Api, type RouteDeps } from './common';

const tags = ['members'];
const MANAGE = 'manage members';
const iso = (d: Date) => d.toISOString();

const memberDto = (m: MemberRow) => ({ userId: m.userId, email: m.email, name: m.name, role: m.role, joinedAt: iso(m.joinedAt) });
const invitationDto = (i: InvitationRow & { invitedByName?: string | null }) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  invitedBy: i.invitedByName ?? null,
  createdAt: iso(i.createdAt),
  expiresAt: iso(i.expiresAt),
});
export const auditDto = (e: AuditEntryRow) => ({
  id: e.id,
  at: iso(e.at),
  actor: { kind: e.actorKind, id: e.actorId, name: e.actorName },
  action: e.action,
  target: { type: e.targetType, id: e.targetId, name: e.targetName },
  summary: e.summary,
  clientAddress: e.clientAddress,
});

const UserParams = WsParams.extend({ userId: z.string().min(1).max(200) });
const InviteIdParams = WsParams.extend({ id: z.string().min(1).max(200) });
const conflictResponse = { 409: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'the last admin cannot be removed or demoted') };

/**
 * The link an invitation opens: the web app's accept page, on PUBLIC_URL, else on the host the admin
 * used. Behind CloudFront that host arrives as X-Forwarded-Host (the edge sets it; API Gateway sees its
 * own name). Trusting the header is safe here: only the admin making the call chooses it, and the link
 * goes to the invitee that admin names.
 */
export function inviteLink(deps: RouteDeps, requestUrl: string, forwardedHost: string | undefined, token: string): string {
  const url = new URL(requestUrl);
  const host = forwardedHost?.split(',')[0]?.trim();
  const origin = host && /^[a-z0-9.-]+(:\d+)?$/i.test(host) ? `${url.protocol}//${host}` : url.origin;
  return `${(deps.config.PUBLIC_URL ?? origin).replace(/\/+$/, '')}/invite/${token}`;
}

export function teamRoutes(app: Api, deps: RouteDeps): void {
  let mailer: Promise<Pick<Mailer, 'send'>> | undefined;
  const getMailer = () => (mailer ??= deps.mailer ? Promise.resolve(deps.mailer) : createMailer(deps.config, deps.db));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/members',
      tags,
      summary: 'Members of the workspace with their roles',
      request: { params: WsParams },
      responses: { 200: json(pageOf(MemberDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws);
      const rows = await listMembers(deps.db, a.workspace.id);
      return c.json({ items: rows.map(memberDto), nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/workspaces/{ws}/members/{userId}',
      tags,
      summary: 'Change a member’s role (the last admin cannot be demoted: 409)',
      request: { params: UserParams, body: body(MemberPatchBodySchema) },
      responses: { 200: json(MemberDtoSchema), ...errors, ...conflictResponse },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', MANAGE);
      const { role } = c.req.valid('json');
      const ctx = auditContext(c, a.principal);
      const done = await deps.db
        .transaction(async (tx) => {
          const r = await changeMemberRole(tx, { workspaceId: a.workspace.id, userId: p.userId, role });
          if (r && r.before.role !== role)
            await audit(tx, ctx, {
              workspaceId: a.workspace.id,
              action: 'member.role_changed',
              target: { type: 'user', id: r.after.userId, name: r.after.email },
              summary: `role changed from ${r.before.role} to ${role}`,
            });
          return r;
        })
        .catch(lastAdmin);
      if (!done) throw notFound('member');
      return c.json(memberDto(done.after), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/workspaces/{ws}/members/{userId}',
      tags,
      summary: 'Remove a member; their sessions (when in no other workspace) and the API keys they created stop working at once',
      request: { params: UserParams },
      responses: { 200: json(z.object({ removed: MemberDtoSchema, keysRevoked: z.number().int() })), ...errors, ...conflictResponse },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', MANAGE);
      const ctx = auditContext(c, a.principal);
      const done = await deps.db
        .transaction(async (tx) => {
          const r = await removeMember(tx, { workspaceId: a.workspace.id, userId: p.userId }, deps.now());
          if (r)
            await audit(tx, ctx, {
              workspaceId: a.workspace.id,
              action: 'member.removed',
              target: { type: 'user', id: r.member.userId, name: r.member.email },
              summary: `removed (was ${r.member.role}); ${r.keysRevoked} API key(s) they created revoked`,
            });
          return r;
        })
        .catch(lastAdmin);
      if (!done) throw notFound('member');
      return c.json({ removed: memberDto(done.member), keysRevoked: done.keysRevoked }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/invites',
      tags,
      summary: 'Pending invitations (not accepted, revoked or expired)',
      request: { params: WsParams },
      responses: { 200: json(pageOf(InvitationDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', MANAGE);
      const rows = await listPendingInvitations(deps.db, a.workspace.id, deps.now());
      return c.json({ items: rows.map(invitationDto), nextCursor: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/workspaces/{ws}/invites',
      tags,
      summary: 'Invite someone by email: a single-use link valid 7 days, emailed and returned once',
      request: { params: WsParams, body: body(InviteBodySchema) },
      responses: { 201: json(InvitationCreatedSchema), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', MANAGE);
      const b = c.req.valid('json');
      const ctx = auditContext(c, a.principal);
      const { token, invitation } = await deps.db.transaction(async (tx) => {
        const r = await createInvitation(tx, { workspaceId: a.workspace.id, email: b.email, role: b.role, invitedBy: a.userId }, deps.now());
        await audit(tx, ctx, {
          workspaceId: a.workspace.id,
          action: 'member.invited',
          target: { type: 'invitation', id: r.invitation.id, name: r.invitation.email },
          summary: `invited ${r.invitation.email} as ${r.invitation.role}`,
        });
        return r;
      });
      const link = inviteLink(deps, c.req.url, c.req.header('x-forwarded-host'), token);
      const inviter = ctx.actor.name;
      let emailed = true;
      try {
        await (await getMailer()).send(
          invitationMail({
            workspaceId: a.workspace.id,
            workspaceName: a.workspace.name,
            invitationId: invitation.id,
            to: invitation.email,
            role: invitation.role,
            inviter,
            link,
            from: deps.config.MAIL_FROM,
          }),
        );
      } catch (err) {
        // The invitation stands: the admin sees the link once and can pass it on themselves.
        emailed = false;
        deps.log?.error('invitation mail failed', { invitationId: invitation.id, error: err instanceof Error ? err.message : String(err) });
      }
      return c.json({ invitation: invitationDto({ ...invitation, invitedByName: a.principal.kind === 'session' ? inviter : null }), link, emailed }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/workspaces/{ws}/invites/{id}',
      tags,
      summary: 'Revoke a pending invitation (its link stops working)',
      request: { params: InviteIdParams },
      responses: { 200: json(InvitationDtoSchema), ...errors },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const a = await workspaceAccess(c, deps, p.ws, 'admin', MANAGE);
      const ctx = auditContext(c, a.principal);
      const row = await deps.db.transaction(async (tx) => {
        const r = await revokeInvitation(tx, { workspaceId: a.workspace.id, id: p.id }, deps.now());
        if (r)
          await audit(tx, ctx, {
            workspaceId: a.workspace.id,
            action: 'member.invitation_revoked',
            target: { type: 'invitation', id: r.id, name: r.email },
            summary: `invitation of ${r.email} revoked`,
          });
        return r;
      });
      if (!row) throw notFound('invitation');
      return c.json(invitationDto(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/workspaces/{ws}/audit',
      tags: ['audit'],
      summary: 'The audit log, newest first (admins)',
      request: { params: WsParams, query: AuditQuerySchema },
      responses: { 200: json(pageOf(AuditEntryDtoSchema)), ...errors },
    }),
    async (c) => {
      const a = await workspaceAccess(c, deps, c.req.valid('param').ws, 'admin', 'read the audit log');
      const q = c.req.valid('query');
      const page = await listAudit(deps.db, {
        workspaceId: a.workspace.id,
        actor: q.actor,
        action: q.action,
        target: q.target,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        cursor: q.cursor,
        limit: q.limit,
      });
      return c.json({ items: page.items.map(auditDto), nextCursor: page.nextCursor }, 200);
    },
  );
}

function lastAdmin(err: unknown): never {
  if (err instanceof LastAdminError) throw new HttpError(409, 'last_admin', err.message);
  throw err;
}
