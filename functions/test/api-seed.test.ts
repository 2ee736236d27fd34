import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberships, records, users, workspaces, eq } from '@conduit/core/testing';
import { seedDemo } from '@conduit/core/domain';
import { createTestApi, type TestApi } from './api-helpers';

describe('demo seed', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi('pglite');
  });
  afterAll(() => t.close());

  it('creates Acme with an admin, a member and sample records once; the printed login works', async () => {
    const login = await seedDemo(t.db);
    const again = await seedDemo(t.db);
    expect(again).toEqual(login);
    expect(login.email).toBe('admin@acme.test');
    expect(await t.db.select().from(workspaces).where(eq(workspaces.slug, 'acme'))).toHaveLength(1);
    expect(await t.db.select().from(memberships).where(eq(memberships.workspaceId, login.workspaceId))).toHaveLength(2);
    const recs = await t.db.select().from(records).where(eq(records.workspaceId, login.workspaceId));
    expect(recs.map((r) => r.object).sort()).toEqual(['contact', 'contact', 'deal', 'deal']);
    expect(await t.db.select().from(users).where(eq(users.email, 'member@acme.test'))).toHaveLength(1);

    const cookie = await t.login(login.email, login.password);
    const me = await t.call('GET', '/api/me', { cookie });
    expect(me.data.workspaces).toEqual([{ id: login.workspaceId, name: 'Acme', slug: 'acme', role: 'admin' }]);
    const deals = await t.call('GET', `/api/workspaces/acme/records/deal`, { cookie });
    expect(deals.data.items).toHaveLength(2);
  });
});
