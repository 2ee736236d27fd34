import { and, asc, eq, sql } from 'drizzle-orm';
import { companies, memberships, users, workspaces, type Role } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { preparedQuery } from '../db/prepared';
import { isUuid } from './ids';

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type WorkspaceWithRole = WorkspaceRow & { role: Role };

/** A workspace by id or slug (URLs may use either). */
// Every workspace route asks these two: prepared statements.
const workspaceById = preparedQuery('workspace_by_id', (db, name) =>
  db.select().from(workspaces).where(eq(workspaces.id, sql.placeholder('key'))).prepare(name));
const workspaceBySlug = preparedQuery('workspace_by_slug', (db, name) =>
  db.select().from(workspaces).where(eq(workspaces.slug, sql.placeholder('key'))).prepare(name));
const membershipRole = preparedQuery('membership_role', (db, name) =>
  db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, sql.placeholder('workspaceId')), eq(memberships.userId, sql.placeholder('userId'))))
    .prepare(name));

export async function findWorkspace(db: DbOrTx, idOrSlug: string): Promise<WorkspaceRow | null> {
  const [row] = await (isUuid(idOrSlug) ? workspaceById : workspaceBySlug)(db).execute({ key: idOrSlug });
  return row ?? null;
}

export async function getMembershipRole(db: DbOrTx, workspaceId: string, userId: string): Promise<Role | null> {
  const [row] = await membershipRole(db).execute({ workspaceId, userId });
  return row?.role ?? null;
}

export async function listUserWorkspaces(db: DbOrTx, userId: string): Promise<WorkspaceWithRole[]> {
  const rows = await db
    .select({ ws: workspaces, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(workspaces.name));
  return rows.map((r) => ({ ...r.ws, role: r.role }));
}

export async function createWorkspace(db: DbOrTx, input: { name: string; slug: string }): Promise<WorkspaceRow> {
  const [row] = await db.insert(workspaces).values(input).returning();
  if (!row) throw new Error('workspace insert returned nothing');
  return row;
}

export async function addMember(db: DbOrTx, input: { workspaceId: string; userId: string; role: Role }): Promise<void> {
  await db.insert(memberships).values(input).onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role: input.role } });
}

export async function createUser(db: DbOrTx, input: { email: string; name: string; passwordHash: string }) {
  const [row] = await db.insert(users).values({ ...input, email: input.email.trim().toLowerCase() }).returning();
  if (!row) throw new Error('user insert returned nothing');
  return row;
}

/** The workspace's default company (the oldest), created when the workspace has none. */
export async function defaultCompanyId(db: DbOrTx, workspace: Pick<WorkspaceRow, 'id' | 'name'>): Promise<string> {
  const [row] = await db.select({ id: companies.id }).from(companies).where(eq(companies.workspaceId, workspace.id)).orderBy(asc(companies.createdAt)).limit(1);
  if (row) return row.id;
  const [created] = await db.insert(companies).values({ workspaceId: workspace.id, name: workspace.name }).returning({ id: companies.id });
  if (!created) throw new Error('company insert returned nothing');
  return created.id;
}

export async function companyInWorkspace(db: DbOrTx, workspaceId: string, companyId: string): Promise<boolean> {
  if (!isUuid(companyId)) return false;
  const [row] = await db.select({ id: companies.id }).from(companies).where(and(eq(companies.id, companyId), eq(companies.workspaceId, workspaceId)));
  return !!row;
}
