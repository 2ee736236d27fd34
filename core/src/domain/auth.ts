import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { apiKeys, memberships, sessions, users, workspaces, type Role } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { preparedQuery } from '../db/prepared';
import { isUuid } from './ids';
import type { WorkspaceRow } from './workspaces';

/**
 * Passwords: scrypt (memory-hard; N=2^15, r=8 → 32 MiB per hash), stored as
 * "scrypt$N$r$p$salt$hash" so parameters can be raised later without breaking old hashes.
 */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 } as const;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}
const maxmem = (N: number, r: number) => 256 * N * r + 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: maxmem(SCRYPT.N, SCRYPT.r) });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const N = Number(n),
    R = Number(r),
    P = Number(p);
  if (![N, R, P].every(Number.isSafeInteger)) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: P, maxmem: maxmem(N, R) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Verified when the email is unknown, so a missing user costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = (): Promise<string> => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row ?? null;
}

export async function getUser(db: DbOrTx, id: string): Promise<UserRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

/** Email + password → the user, or null. Always runs one scrypt verification (no user enumeration by timing). */
export async function authenticate(db: DbOrTx, email: string, password: string): Promise<UserRow | null> {
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  return user && ok ? user : null;
}

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/** A new session; the token goes in the cookie, only its SHA-256 is stored. */
export async function createSession(
  db: DbOrTx,
  userId: string,
  now = new Date(),
  device: { userAgent?: string | null; clientAddress?: string | null } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const t = token();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.insert(sessions).values({
    id: sha256(t),
    userId,
    expiresAt,
    createdAt: now,
    lastSeenAt: now,
    userAgent: device.userAgent?.slice(0, 500) ?? null,
    clientAddress: device.clientAddress?.slice(0, 100) ?? null,
  });
  return { token: t, expiresAt };
}

/** How stale `last_seen_at` may get before a request writes it again: one write a minute, not one a request. */
const LAST_SEEN_GRANULARITY_MS = 60_000;

/** Marks the session seen; cheap enough for every request (a no-op row filter most of the time). */
export async function touchSession(db: DbOrTx, sessionToken: string, now = new Date()): Promise<void> {
  await db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(and(eq(sessions.id, sha256(sessionToken)), lt(sessions.lastSeenAt, new Date(now.getTime() - LAST_SEEN_GRANULARITY_MS))));
}

export type SessionInfo = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  clientAddress: string | null;
  current: boolean;
};

/**
 * A person's live sessions, the current one marked. The id shown is a second hash of the stored
 * one, so the list never carries what the database keys sessions by.
 */
export async function listSessions(db: DbOrTx, q: { userId: string; currentToken: string | null }, now = new Date()): Promise<SessionInfo[]> {
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, q.userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt));
  const current = q.currentToken ? sha256(q.currentToken) : null;
  return rows.map((r) => ({
    id: publicSessionId(r.id),
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    expiresAt: r.expiresAt,
    userAgent: r.userAgent,
    clientAddress: r.clientAddress,
    current: r.id === current,
  }));
}
const publicSessionId = (stored: string) => sha256(`session:${stored}`).slice(0, 32);

/** Ends one of the user's sessions by its public id; false when there is none such. */
export async function endSession(db: DbOrTx, q: { userId: string; id: string }): Promise<boolean> {
  const rows = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, q.userId));
  const hit = rows.find((r) => publicSessionId(r.id) === q.id);
  if (!hit) return false;
  await db.delete(sessions).where(and(eq(sessions.id, hit.id), eq(sessions.userId, q.userId)));
  return true;
}

/** Ends every session of the user but the one holding `keepToken`; the number ended. */
export async function endOtherSessions(db: DbOrTx, q: { userId: string; keepToken: string | null }): Promise<number> {
  const keep = q.keepToken ? sha256(q.keepToken) : '';
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, q.userId), ne(sessions.id, keep)))
    .returning({ id: sessions.id });
  return rows.length;
}

/** Sets a new password hash and ends the user's other sessions, in one transaction. */
export async function setPassword(tx: DbOrTx, q: { userId: string; passwordHash: string; keepToken: string | null }): Promise<number> {
  await tx.update(users).set({ passwordHash: q.passwordHash }).where(eq(users.id, q.userId));
  return endOtherSessions(tx, q);
}

// Every API request asks this: a prepared statement.
const sessionUser = preparedQuery('auth_session_user', (db, name) =>
  db
    .select({ user: users, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder('id')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare(name),
);

export async function findSessionUser(db: DbOrTx, sessionToken: string, now = new Date()): Promise<UserRow | null> {
  return (await findSession(db, sessionToken, now))?.user ?? null;
}

/** The session's user and when the session was last seen (to refresh it at most once a minute). */
export async function findSession(db: DbOrTx, sessionToken: string, now = new Date()): Promise<{ user: UserRow; lastSeenAt: Date } | null> {
  const [row] = await sessionUser(db).execute({ id: sha256(sessionToken), now });
  return row ?? null;
}

/** Whether the session's last-seen time is old enough to write again. */
export const sessionSeenStale = (lastSeenAt: Date, now: Date): boolean => now.getTime() - lastSeenAt.getTime() >= LAST_SEEN_GRANULARITY_MS;

// A workspace route asks for the session and the workspace together: one round trip, not two.
const sessionWithWorkspaceBy = (by: 'id' | 'slug') =>
  preparedQuery(`auth_session_workspace_by_${by}`, (db, name) =>
    db
      .select({ user: users, workspace: workspaces, role: memberships.role, lastSeenAt: sessions.lastSeenAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .leftJoin(workspaces, eq(by === 'id' ? workspaces.id : workspaces.slug, sql.placeholder('key')))
      .leftJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, users.id)))
      .where(and(eq(sessions.id, sql.placeholder('id')), gt(sessions.expiresAt, sql.placeholder('now'))))
      .prepare(name),
  );
const sessionWithWorkspaceQueries = { id: sessionWithWorkspaceBy('id'), slug: sessionWithWorkspaceBy('slug') };

/**
 * findSessionUser and findWorkspaceForUser in one query: the session's user, and the workspace
 * named by id or slug with the user's role in it (role null when not a member; workspace null when
 * there is no such workspace). Null when the session is unknown or expired.
 */
export async function findSessionUserWithWorkspace(
  db: DbOrTx,
  sessionToken: string,
  idOrSlug: string,
  now = new Date(),
): Promise<{ user: UserRow; lastSeenAt: Date; workspace: { workspace: WorkspaceRow; role: Role | null } | null } | null> {
  const [row] = await sessionWithWorkspaceQueries[isUuid(idOrSlug) ? 'id' : 'slug'](db).execute({ id: sha256(sessionToken), key: idOrSlug, now });
  if (!row) return null;
  return { user: row.user, lastSeenAt: row.lastSeenAt, workspace: row.workspace ? { workspace: row.workspace, role: row.role ?? null } : null };
}

export async function deleteSession(db: DbOrTx, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sha256(sessionToken)));
}

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ApiKeyInfo = Omit<ApiKeyRow, 'keyHash'>;
const API_KEY_PREFIX = 'cdk_';

/** Creates a workspace API key; the key itself is returned only here. */
export async function createApiKey(
  db: DbOrTx,
  input: { workspaceId: string; name: string; role: Role; createdBy: string | null; expiresAt: Date | null },
): Promise<{ key: string; info: ApiKeyInfo }> {
  const key = `${API_KEY_PREFIX}${token(32)}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      workspaceId: input.workspaceId,
      name: input.name,
      role: input.role,
      createdBy: input.createdBy,
      expiresAt: input.expiresAt,
      prefix: key.slice(0, 12),
      keyHash: sha256(key),
    })
    .returning();
  if (!row) throw new Error('api key insert returned nothing');
  const { keyHash: _, ...info } = row;
  return { key, info };
}

/** The key's row when it is known, not revoked and not expired. */
export async function findApiKey(db: DbOrTx, key: string, now = new Date()): Promise<ApiKeyInfo | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, sha256(key)), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))));
  if (!row) return null;
  // Best effort: a failed bookkeeping write must not refuse the request.
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(eq(apiKeys.id, row.id))
    .catch(() => {});
  const { keyHash: _, ...info } = row;
  return info;
}

export async function listApiKeys(db: DbOrTx, workspaceId: string): Promise<(ApiKeyInfo & { createdByName: string | null })[]> {
  const rows = await db
    .select({ key: apiKeys, createdByName: users.name })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.workspaceId, workspaceId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(({ key: { keyHash: _, ...info }, createdByName }) => ({ ...info, createdByName }));
}

/** Revokes a key of this workspace; null when there is no such key here. */
export async function revokeApiKey(db: DbOrTx, input: { workspaceId: string; id: string }, now = new Date()): Promise<ApiKeyInfo | null> {
  if (!isUuid(input.id)) return null;
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, input.id), eq(apiKeys.workspaceId, input.workspaceId)))
    .returning();
  if (!row) return null;
  const { keyHash: _, ...info } = row;
  return info;
}
