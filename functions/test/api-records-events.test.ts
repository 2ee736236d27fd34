import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devMail, events, records, workflows, eq } from '@conduit/core/testing';
import { createTestApi, snapshot, type TestApi } from './api-helpers';

describe.each(['pglite', 'pg'] as const)('records, events and dev mail (%s)', (kind) => {
  let t: TestApi;
  let admin: string;
  let member: string;
  let rec: string;
  beforeAll(async () => {
    t = await createTestApi(kind);
    admin = await t.login(t.a.admin.email);
    member = await t.login(t.a.member.email);
    rec = `/api/workspaces/${t.a.id}/records`;
  });
  afterAll(() => t.close());

  /** An active workflow of workspace A with this record trigger: its events are for the dispatcher. */
  const listen = (type: 'record_created' | 'record_updated' | 'record_deleted', object: string) =>
    t.db.insert(workflows).values({
      workspaceId: t.a.id,
      companyId: t.a.companyId,
      name: `${type} ${object}`,
      isActive: true,
      trigger: { type, object },
      actions: [],
      activeTriggerType: type,
      activeTriggerObject: object,
    });

  it('record CRUD writes the record and its event together, and publishes the event after commit', async () => {
    for (const type of ['record_created', 'record_updated', 'record_deleted'] as const) await listen(type, 'deal');
    const created = await t.call('POST', `${rec}/deal`, { cookie: member, json: { data: { name: 'Big', stage: 'open', amount: 5 } } });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ object: 'deal', data: { name: 'Big', stage: 'open', amount: 5 } });
    const id = created.data.id;
    const patched = await t.call('PATCH', `${rec}/deal/${id}`, { cookie: member, json: { data: { stage: 'won' } } });
    expect(patched.status).toBe(200);
    expect(patched.data.data).toEqual({ name: 'Big', stage: 'won', amount: 5 });
    expect((await t.call('GET', `${rec}/deal/${id}`, { cookie: member })).data.data.stage).toBe('won');
    const list = await t.call('GET', `${rec}/deal?limit=1`, { cookie: member });
    expect(list.data.items).toHaveLength(1);
    expect(list.data.items[0].id).toBe(id);
    expect((await t.call('DELETE', `${rec}/deal/${id}`, { cookie: member })).status).toBe(204);
    expect((await t.call('GET', `${rec}/deal/${id}`, { cookie: member })).status).toBe(404);

    const stored = await t.db.select().from(events).where(eq(events.recordId, id));
    expect(stored.map((e) => e.type).sort()).toEqual(['record.created', 'record.deleted', 'record.updated']);
    const updated = stored.find((e) => e.type === 'record.updated')!;
    expect(updated.payload).toMatchObject({ kind: 'record', event: 'updated', changed: ['stage'], previous: { stage: 'open' } });
    // Each change was handed to the queue (the in-process adapter delivers to its consumer).
    await expect.poll(() => t.published.filter((m) => stored.some((e) => e.id === m.eventId)).length).toBe(3);
    expect(stored.every((e) => e.status === 'pending')).toBe(true);

    // A change no workflow listens to is stored settled, and costs the queue nothing.
    const note = await t.call('POST', `${rec}/note`, { cookie: member, json: { data: { text: 'hi' } } });
    await t.call('PATCH', `${rec}/note/${note.data.id}`, { cookie: member, json: { data: { text: 'hello' } } });
    const unheard = await t.db.select().from(events).where(eq(events.recordId, note.data.id));
    expect(unheard.map((e) => [e.type, e.status, e.dispatchedAt !== null]).sort()).toEqual([
      ['record.created', 'dispatched', true],
      ['record.updated', 'dispatched', true],
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.published.some((m) => unheard.some((e) => e.id === m.eventId))).toBe(false);
  });

  it('records of another workspace are 404 and stay untouched; bad object names are 400', async () => {
    const bAdmin = await t.login(t.b.admin.email);
    const theirs = await t.call('POST', `/api/workspaces/${t.b.id}/records/deal`, { cookie: bAdmin, json: { data: { secret: 'b-only' } } });
    const before = await snapshot(t.db);
    for (const [m, json] of [['GET'], ['PATCH', { data: { secret: 'x' } }], ['DELETE']] as const) {
      const r = await t.call(m, `${rec}/deal/${theirs.data.id}`, { cookie: admin, ...(json ? { json } : {}) });
      expect(r.status, m).toBe(404);
      expect(JSON.stringify(r.data)).not.toContain('b-only');
    }
    expect((await t.call('GET', `${rec}/deal`, { cookie: admin })).data.items.some((r: { id: string }) => r.id === theirs.data.id)).toBe(false);
    const bad = await t.call('POST', `${rec}/${encodeURIComponent('Deal!')}`, { cookie: admin, json: { data: {} } });
    expect(bad.status).toBe(400);
    expect(bad.data.error.path).toMatch(/^params\.object/);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('the event log lists outcomes, shows one event with its payload, and replay (admin only) republishes it', async () => {
    await listen('record_created', 'contact');
    const created = await t.call('POST', `${rec}/contact`, { cookie: admin, json: { data: { email: 'x@y.z' } } });
    const log = await t.call('GET', `/api/workspaces/${t.a.id}/events?source=record&recordId=${created.data.id}`, { cookie: member });
    expect(log.status).toBe(200);
    expect(log.data.items).toHaveLength(1);
    const ev = log.data.items[0];
    expect(ev).toMatchObject({ type: 'record.created', status: 'pending', recordId: created.data.id });
    expect(ev.payload).toBeUndefined();
    const one = await t.call('GET', `/api/workspaces/${t.a.id}/events/${ev.id}`, { cookie: member });
    expect(one.data.payload.record.email).toBe('x@y.z');

    expect((await t.call('POST', `/api/workspaces/${t.a.id}/events/${ev.id}/replay`, { cookie: member })).status).toBe(403);
    const n = t.published.length;
    const replay = await t.call('POST', `/api/workspaces/${t.a.id}/events/${ev.id}/replay`, { cookie: admin });
    expect(replay.status).toBe(202);
    expect(replay.data).toMatchObject({ mode: 'reset', replayOf: ev.id });
    await expect.poll(() => t.published.slice(n).some((m) => m.eventId === ev.id)).toBe(true);

    const bAdmin = await t.login(t.b.admin.email);
    expect((await t.call('GET', `/api/workspaces/${t.b.id}/events/${ev.id}`, { cookie: bAdmin })).status).toBe(404);
    expect((await t.call('POST', `/api/workspaces/${t.b.id}/events/${ev.id}/replay`, { cookie: bAdmin })).status).toBe(404);
  });

  it('dev mail lists the workspace’s kept mail, newest first, with cursor paging', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    await t.db.insert(devMail).values(
      [1, 2, 3].map((i) => ({
        workspaceId: t.a.id,
        messageId: `<m${i}@x>`,
        from: 'a@x',
        to: ['b@x'],
        cc: [],
        bcc: [],
        subject: `S${i}`,
        text: 't',
        createdAt: at(i),
      })),
    );
    await t.db.insert(devMail).values({ workspaceId: t.b.id, messageId: '<b@x>', from: 'a@x', to: ['b@x'], cc: [], bcc: [], subject: 'B mail', text: 't' });
    // Mail no run sent (invitations carry one-time links) is for admins only.
    const asMember = await t.call('GET', `/api/workspaces/${t.a.id}/dev-mail?limit=2`, { cookie: member });
    expect(asMember.data.items).toEqual([]);
    const p1 = await t.call('GET', `/api/workspaces/${t.a.id}/dev-mail?limit=2`, { cookie: admin });
    expect(p1.data.items.map((m: { subject: string }) => m.subject)).toEqual(['S3', 'S2']);
    const p2 = await t.call('GET', `/api/workspaces/${t.a.id}/dev-mail?limit=2&cursor=${p1.data.nextCursor}`, { cookie: admin });
    expect(p2.data.items.map((m: { subject: string }) => m.subject)).toEqual(['S1']);
    expect(p2.data.nextCursor).toBeNull();
  });

  it('records: the data must be a JSON object; nothing is stored otherwise', async () => {
    const before = (await t.db.select().from(records)).length;
    const r = await t.call('PATCH', `${rec}/deal/${crypto.randomUUID()}`, { cookie: admin, json: { data: [1, 2] } });
    expect(r.status).toBe(400);
    expect(r.data.error.path).toBe('data');
    expect((await t.db.select().from(records)).length).toBe(before);
  });
});
