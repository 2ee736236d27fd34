import { and, asc, eq, sql } from 'drizzle-orm';
import { companies, memberships, users, workspaces, type Role } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { preparedQuery } from '../db/prepared';
import { isUuid } from './ids';

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type WorkspaceWithRole = WorkspaceRow & { role: Role };

// Every workspace route asks one of these, so they are prepared statements. URLs name a
// workspace by id or by slug.
const workspaceBy = (by: 'id' | 'slug') =>
  preparedQuery(`workspace_by_${by}`, (db, name) =>
    db
      .select()
      .from(workspaces)
      .where(eq(by === 'id' ? workspaces.id : workspaces.slug, sql.placeholder('key')))
      .prepare(name),
  );
const workspaceWithRoleBy = (by: 'id' | 'slug') =>
  preparedQuery(`workspace_with_role_by_${by}`, (db, name) =>
    db
      .select({ workspace: workspaces, role: memberships.role })
      .from(workspaces)
      .leftJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, sql.placeholder('userId'))))
      .where(eq(by === 'id' ? workspaces.id : workspaces.slug, sql.placeholder('key')))
      .prepare(name),
  );
const workspaceQueries = { id: workspaceBy('id'), slug: workspaceBy('slug') };
const workspaceWithRoleQueries = { id: workspaceWithRoleBy('id'), slug: workspaceWithRoleBy('slug') };

/** A workspace by id or slug. */
export async function findWorkspace(db: DbOrTx, idOrSlug: string): Promise<WorkspaceRow | null> {
  const [row] = await workspaceQueries[isUuid(idOrSlug) ? 'id' : 'slug'](db).execute({ key: idOrSlug });
  return row ?? null;
}

/** A workspace by id or slug with the user's role in it (null when not a member), in one query. */
export async function findWorkspaceForUser(db: DbOrTx, idOrSlug: string, userId: string): Promise<{ workspace: WorkspaceRow; role: Role | null } | null> {
  const [row] = await workspaceWithRoleQueries[isUuid(idOrSlug) ? 'id' : 'slug'](db).execute({ key: idOrSlug, userId });
  return row ? { workspace: row.workspace, role: row.role ?? null } : null;
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
  await db
    .insert(memberships)
    .values(input)
    .onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role: input.role } });
}

export async function createUser(db: DbOrTx, input: { email: string; name: string; passwordHash: string }) {
  const [row] = await db
    .insert(users)
    .values({ ...input, email: input.email.trim().toLowerCase() })
    .returning();
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
  const [row] = await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.id, companyId), eq(companies.workspaceId, workspaceId)));
  return !!row;
}
