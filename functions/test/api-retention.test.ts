import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from './api-helpers';

/** GET/PUT the run retention: admins only, bounded, audited, one workspace at a time. */
describe('retention setting API', () => {
  let t: TestApi;
  let admin: string;
  const path = (slug: string) => `/api/workspaces/${slug}/retention`;

  beforeAll(async () => {
    t = await createTestApi('pglite');
    admin = await t.login(t.a.admin.email);
  });
  afterAll(async () => t?.close());

  it('starts at 90 days, keeps what an admin sets, and records who changed it from what', async () => {
    expect(await t.call('GET', path(t.a.slug), { cookie: admin })).toMatchObject({ status: 200, data: { days: 90 } });
    expect(await t.call('PUT', path(t.a.slug), { cookie: admin, json: { days: 30 } })).toMatchObject({ status: 200, data: { days: 30 } });
    expect(await t.call('GET', path(t.a.slug), { cookie: admin })).toMatchObject({ status: 200, data: { days: 30 } });
    // Setting the same value again changes nothing, so it is not logged twice.
    expect((await t.call('PUT', path(t.a.slug), { cookie: admin, json: { days: 30 } })).status).toBe(200);
    const audit = await t.call('GET', `/api/workspaces/${t.a.slug}/audit?action=retention.`, { cookie: admin });
    expect(audit.status).toBe(200);
    expect(audit.data.items).toHaveLength(1);
    expect(audit.data.items[0]).toMatchObject({
      action: 'retention.updated',
      actor: { kind: 'user', id: t.a.admin.id },
      summary: 'runs kept for 30 days (was 90)',
    });
    // The other workspace keeps its own default.
    const bAdmin = await t.login(t.b.admin.email);
    expect(await t.call('GET', path(t.b.slug), { cookie: bAdmin })).toMatchObject({ status: 200, data: { days: 90 } });
  });

  it('refuses days outside 1–3650, fractions and strings, naming the field, and changes nothing', async () => {
    for (const days of [0, -5, 3651, 12.5, '30', null]) {
      const res = await t.call('PUT', path(t.a.slug), { cookie: admin, json: { days } });
      expect(res.status, `days: ${JSON.stringify(days)}`).toBe(400);
      expect(res.data.error.path).toBe('days');
    }
    expect((await t.call('PUT', path(t.a.slug), { cookie: admin, json: {} })).status).toBe(400);
    expect((await t.call('GET', path(t.a.slug), { cookie: admin })).data).toEqual({ days: 30 });
    expect((await t.call('PUT', path(t.a.slug), { cookie: admin, json: { days: 3650 } })).data).toEqual({ days: 3650 });
    expect((await t.call('PUT', path(t.a.slug), { cookie: admin, json: { days: 1 } })).data).toEqual({ days: 1 });
  });

  it('is for admins: a member is refused, and is documented in /api/openapi.json with its bounds', async () => {
    const member = await t.login(t.a.member.email);
    expect((await t.call('GET', path(t.a.slug), { cookie: member })).status).toBe(403);
    expect((await t.call('PUT', path(t.a.slug), { cookie: member, json: { days: 5 } })).status).toBe(403);
    const doc = await t.call('GET', '/api/openapi.json');
    const put = doc.data.paths['/api/workspaces/{ws}/retention'].put;
    const schema = put.requestBody.content['application/json'].schema;
    const body = schema.$ref ? doc.data.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(body.properties.days).toMatchObject({ type: 'integer', minimum: 1, maximum: 3650 });
    expect(body.required).toEqual(['days']);
  });
});
