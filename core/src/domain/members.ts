import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { apiKeys, invitations, memberships, sessions, users, workspaces, type Role } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { sha256, type UserRow } from './auth';
import { isUuid } from './ids';
import type { WorkspaceRow } from './workspaces';

/** Members of a workspace, their invitations, and the rule that a workspace always keeps an admin. */

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export type MemberRow = { userId: string; email: string; name: string; role: Role; joinedAt: Date };
export type InvitationRow = typeof invitations.$inferSelect;

/** Refusal of a change that would leave the workspace without an admin. */
export class LastAdminError extends Error {
  constructor(readonly change: 'demote' | 'remove') {
    super(
      change === 'remove'
        ? 'this is the workspace’s last admin; make someone else an admin before removing them'
        : 'this is the workspace’s last admin; make someone else an admin before changing their role',
    );
  }
}

export async function listMembers(db: DbOrTx, workspaceId: string): Promise<MemberRow[]> {
  return db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.name), asc(users.email));
}

export async function getMember(db: DbOrTx, q: { workspaceId: string; userId: string }): Promise<MemberRow | null> {
  if (!isUuid(q.userId)) return null;
  const [row] = await db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, q.workspaceId), eq(memberships.userId, q.userId)));
  return row ?? null;
}

/**
 * Serialises admin-count checks of one workspace: two admins demoting each other at the same time
 * must not both succeed. Locks the workspace row until the transaction ends.
 */
async function lockWorkspace(tx: DbOrTx, workspaceId: string): Promise<void> {
  await tx.execute(sql`select id from ${workspaces} where ${workspaces.id} = ${workspaceId} for update`);
}

async function otherAdmins(tx: DbOrTx, workspaceId: string, userId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'admin'), ne(memberships.userId, userId)));
  return row?.n ?? 0;
}

/** Changes a member's role; null when not a member. Run inside a transaction. */
export async function changeMemberRole(
  tx: DbOrTx,
  q: { workspaceId: string; userId: string; role: Role },
): Promise<{ before: MemberRow; after: MemberRow } | null> {
  await lockWorkspace(tx, q.workspaceId);
  const before = await getMember(tx, q);
  if (!before) return null;
  if (before.role === 'admin' && q.role !== 'admin' && (await otherAdmins(tx, q.workspaceId, q.userId)) === 0) throw new LastAdminError('demote');
  await tx
    .update(memberships)
    .set({ role: q.role })
    .where(and(eq(memberships.workspaceId, q.workspaceId), eq(memberships.userId, q.userId)));
  return { before, after: { ...before, role: q.role } };
}

/**
 * Removes a member. At once, in the same transaction: the API keys they created in this workspace
 * are revoked, and when they belong to no workspace any more their sessions end. (A session of a
 * person still in other workspaces stays, but membership is checked on every request, so it no
 * longer opens this one.) Null when not a member.
 */
export async function removeMember(
  tx: DbOrTx,
  q: { workspaceId: string; userId: string },
  now = new Date(),
): Promise<{ member: MemberRow; keysRevoked: number; sessionsEnded: number } | null> {
  await lockWorkspace(tx, q.workspaceId);
  const member = await getMember(tx, q);
  if (!member) return null;
  if (member.role === 'admin' && (await otherAdmins(tx, q.workspaceId, q.userId)) === 0) throw new LastAdminError('remove');
  await tx.delete(memberships).where(and(eq(memberships.workspaceId, q.workspaceId), eq(memberships.userId, q.userId)));
  const keys = await tx
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.workspaceId, q.workspaceId), eq(apiKeys.createdBy, q.userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  const [left] = await tx.select({ n: sql<number>`count(*)::int` }).from(memberships).where(eq(memberships.userId, q.userId));
  let sessionsEnded = 0;
  if ((left?.n ?? 0) === 0) sessionsEnded = (await tx.delete(sessions).where(eq(sessions.userId, q.userId)).returning({ id: sessions.id })).length;
  return { member, keysRevoked: keys.length, sessionsEnded };
}

/** A new invitation; the token is returned only here (it goes into the emailed link). */
export async function createInvitation(
  tx: DbOrTx,
  q: { workspaceId: string; email: string; role: Role; invitedBy: string | null },
  now = new Date(),
): Promise<{ token: string; invitation: InvitationRow }> {
  const token = randomBytes(32).toString('base64url');
  const [row] = await tx
    .insert(invitations)
    .values({
      workspaceId: q.workspaceId,
      email: q.email.trim().toLowerCase(),
      role: q.role,
      tokenHash: sha256(token),
      invitedBy: q.invitedBy,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    })
    .returning();
  if (!row) throw new Error('invitation insert returned nothing');
  return { token, invitation: row };
}

/** Invitations not yet accepted, revoked or expired. */
export async function listPendingInvitations(db: DbOrTx, workspaceId: string, now = new Date()): Promise<(InvitationRow & { invitedByName: string | null })[]> {
  const rows = await db
    .select({ inv: invitations, invitedByName: users.name })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.workspaceId, workspaceId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
    .orderBy(desc(invitations.createdAt));
  return rows.map((r) => ({ ...r.inv, invitedByName: r.invitedByName }));
}

/** Revokes a pending invitation of this workspace; null when there is none such. */
export async function revokeInvitation(tx: DbOrTx, q: { workspaceId: string; id: string }, now = new Date()): Promise<InvitationRow | null> {
  if (!isUuid(q.id)) return null;
  const [row] = await tx
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.id, q.id), eq(invitations.workspaceId, q.workspaceId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning();
  return row ?? null;
}

export type InvitationView = {
  invitation: InvitationRow;
  workspace: WorkspaceRow;
  invitedByName: string | null;
  /** Whether a user with the invited email exists (they sign in instead of choosing a password). */
  existingUser: boolean;
};

/** The invitation a token opens, when it is still usable. */
export async function findInvitation(db: DbOrTx, token: string, now = new Date()): Promise<InvitationView | null> {
  if (!token || token.length > 200) return null;
  const [row] = await db
    .select({ inv: invitations, ws: workspaces, invitedByName: users.name })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.tokenHash, sha256(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)));
  if (!row) return null;
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, row.inv.email));
  return { invitation: row.inv, workspace: row.ws, invitedByName: row.invitedByName, existingUser: !!existing };
}

/**
 * Uses the invitation up (single use, even under concurrent accepts: the update is conditional)
 * and makes the user a member with the invited role. Null when the token is no longer usable.
 * An existing member keeps the higher of their role and the invited one.
 */
export async function acceptInvitation(
  tx: DbOrTx,
  q: { token: string; user: Pick<UserRow, 'id'> },
  now = new Date(),
): Promise<{ invitation: InvitationRow; role: Role } | null> {
  const [inv] = await tx
    .update(invitations)
    .set({ acceptedAt: now, acceptedBy: q.user.id })
    .where(and(eq(invitations.tokenHash, sha256(q.token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
    .returning();
  if (!inv) return null;
  const [current] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, inv.workspaceId), eq(memberships.userId, q.user.id)));
  const role: Role = current?.role === 'admin' ? 'admin' : inv.role;
  await tx
    .insert(memberships)
    .values({ workspaceId: inv.workspaceId, userId: q.user.id, role })
    .onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role } });
  return { invitation: inv, role };
}
