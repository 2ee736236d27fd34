import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, snapshot, type TestApi } from './api-helpers';

describe.each(['pglite', 'pg'] as const)('find_records and upsert_record through the API (%s)', (kind) => {
  let t: TestApi;
  let admin: string;
  let member: string;
  let base: string;
  beforeAll(async () => {
    t = await createTestApi(kind);
    admin = await t.login(t.a.admin.email);
    member = await t.login(t.a.member.email);
    base = `/api/workspaces/${t.a.id}`;
  });
  afterAll(() => t.close());

  const find = (extra: Record<string, unknown>) => ({
    name: 'lookup',
    trigger: { type: 'webhook' },
    actions: [{ id: 'find', type: 'find_records', object: 'contact', ...extra }],
  });

  it('saves a find and an upsert; limit 0 (or 1001) is a 400 whose message names the Limit, and nothing is stored', async () => {
    const ok = await t.call('POST', `${base}/workflows`, {
      cookie: admin,
      json: {
        ...find({ where: { all: [{ left: 'email', op: 'eq', right: '{{trigger.body.email}}' }] }, orderBy: [{ field: 'name' }] }),
        actions: [
          ...find({ where: { all: [{ left: 'email', op: 'eq', right: '{{trigger.body.email}}' }] }, orderBy: [{ field: 'name' }] }).actions,
          { id: 'save', type: 'upsert_record', object: 'contact', match: ['email'], data: { email: '{{trigger.body.email}}' } },
        ],
      },
    });
    expect(ok.status, JSON.stringify(ok.data)).toBe(201);
    expect(ok.data.actions[0]).toMatchObject({ limit: 100, orderBy: [{ field: 'name', direction: 'asc' }] });

    const before = await snapshot(t.db);
    for (const limit of [0, 1001]) {
      const r = await t.call('POST', `${base}/workflows`, { cookie: admin, json: find({ limit }) });
      expect(r.status).toBe(400);
      expect(r.data.error).toMatchObject({ path: 'actions[0].limit', message: 'actions[0].limit: Limit must be a whole number from 1 to 1,000' });
    }
    const noValue = await t.call('POST', `${base}/workflows`, {
      cookie: admin,
      json: {
        name: 'x',
        trigger: { type: 'webhook' },
        actions: [{ id: 'u', type: 'upsert_record', object: 'contact', match: ['email'], data: { name: 'A' } }],
      },
    });
    expect(noValue.status).toBe(400);
    expect(noValue.data.error.message).toBe('actions[0].match[0]: "email" is matched on, so give it a value in Fields');
    expect(await snapshot(t.db)).toBe(before);
  });

  it("lists the workspace's objects and an object's fields for the pickers, never another workspace's", async () => {
    await t.call('POST', `${base}/records/contact`, { cookie: member, json: { data: { email: 'a@x.io', name: 'A' } } });
    await t.call('POST', `${base}/records/contact`, { cookie: member, json: { data: { email: 'b@x.io', phone: '1' } } });
    await t.call('POST', `${base}/records/deal`, { cookie: member, json: { data: { amount: 1 } } });
    const bAdmin = await t.login(t.b.admin.email);
    await t.call('POST', `/api/workspaces/${t.b.id}/records/secretobj`, { cookie: bAdmin, json: { data: { secretField: 1 } } });
    await t.call('POST', `/api/workspaces/${t.b.id}/records/contact`, { cookie: bAdmin, json: { data: { secretField: 1 } } });

    const objects = await t.call('GET', `${base}/objects`, { cookie: member });
    expect(objects.status).toBe(200);
    expect(objects.data.items).toEqual(['contact', 'deal']);
    const fields = await t.call('GET', `${base}/objects/contact/fields`, { cookie: member });
    expect(fields.status, JSON.stringify(fields.data)).toBe(200);
    expect(fields.data.items).toEqual(['email', 'name', 'phone']);
    expect((await t.call('GET', `${base}/objects/ticket/fields`, { cookie: member })).data.items).toEqual([]);
    const bad = await t.call('GET', `${base}/objects/${encodeURIComponent('Bad!')}/fields`, { cookie: member });
    expect(bad.status).toBe(400);
    expect(bad.data.error.path).toBe('object');
    expect((await t.call('GET', `/api/workspaces/${t.b.id}/objects`, { cookie: member })).status).toBe(404);
  });
});
