import { and, eq } from 'drizzle-orm';
import { companies, records, workspaces } from '../db/schema';
import type { Db } from '../db/client';
import { findUserByEmail, hashPassword } from './auth';
import { addMember, createUser } from './workspaces';

export type DemoLogin = { email: string; password: string; workspaceId: string; workspaceSlug: string };

export const DEMO = {
  workspace: { name: 'Acme', slug: 'acme' },
  company: 'Acme Inc.',
  admin: { email: 'admin@acme.test', name: 'Ada Admin', password: 'conduit-demo' },
  member: { email: 'member@acme.test', name: 'Max Member', password: 'conduit-demo' },
} as const;

/**
 * The demo workspace the local launcher prints a login for. Idempotent: run at every start, it
 * creates what is missing and leaves existing data (and changed passwords) alone.
 */
export async function seedDemo(db: Db): Promise<DemoLogin> {
  return db.transaction(async (tx) => {
    let [ws] = await tx.select().from(workspaces).where(eq(workspaces.slug, DEMO.workspace.slug));
    const fresh = !ws;
    if (!ws) [ws] = await tx.insert(workspaces).values(DEMO.workspace).returning();
    if (!ws) throw new Error('workspace insert returned nothing');
    let [co] = await tx
      .select()
      .from(companies)
      .where(and(eq(companies.workspaceId, ws.id), eq(companies.name, DEMO.company)));
    if (!co) [co] = await tx.insert(companies).values({ workspaceId: ws.id, name: DEMO.company }).returning();
    for (const [u, role] of [
      [DEMO.admin, 'admin'],
      [DEMO.member, 'member'],
    ] as const) {
      const user =
        (await findUserByEmail(tx, u.email)) ?? (await createUser(tx, { email: u.email, name: u.name, passwordHash: await hashPassword(u.password) }));
      await addMember(tx, { workspaceId: ws.id, userId: user.id, role });
    }
    if (fresh && co) {
      // Sample records written directly (no events): seeding must not trigger workflows.
      await tx.insert(records).values([
        { workspaceId: ws.id, companyId: co.id, object: 'contact', data: { name: 'Grace Hopper', email: 'grace@example.com' } },
        { workspaceId: ws.id, companyId: co.id, object: 'contact', data: { name: 'Alan Turing', email: 'alan@example.com' } },
        {
          workspaceId: ws.id,
          companyId: co.id,
          object: 'deal',
          data: { name: 'Compiler licence', stage: 'open', amount: 25000, ownerEmail: 'admin@acme.test' },
        },
        { workspaceId: ws.id, companyId: co.id, object: 'deal', data: { name: 'Support plan', stage: 'open', amount: 4000, ownerEmail: 'member@acme.test' } },
      ]);
    }
    return { email: DEMO.admin.email, password: DEMO.admin.password, workspaceId: ws.id, workspaceSlug: ws.slug };
  });
}
