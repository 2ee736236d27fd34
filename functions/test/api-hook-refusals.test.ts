import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@conduit/core/crypto';
import { events, hookRefusals, eq } from '@conduit/core/testing';
import { createHookResolver, createIngress, createRefusalCounter, signWebhook, type RefusalCounter } from '../src/ingress';
import { ENCRYPTION_KEY, createTestApi, webhookWorkflow, type TestApi } from './api-helpers';

/** Standard Webhooks headers for a body, signed with `secret` at `timestamp`. */
const signed = (secret: string, id: string, timestamp: number, body: string) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signWebhook({ secret, id, timestamp, body }),
});

type Totals = { workflowId: string; workflowName: string; hookId: string | null; reason: string; count: number; lastAt: string; firstAt: string }[];

/**
 * Refused hook calls are counted per hook, reason and minute (never their bodies) and read back through
 * GET …/hook-refusals; the event log names the workflow and hook of a webhook event and returns its
 * payload on GET …/events/:id. Real database, the real ingress in front of it.
 */
describe.each(['pglite', 'pg'] as const)('hook refusals and the event log (%s)', (kind) => {
  let t: TestApi;
  let admin: string;
  let member: string;
  let counter: RefusalCounter;
  let ingress: ReturnType<typeof createIngress>;
  const base = () => `/api/workspaces/${t.a.id}`;

  beforeAll(async () => {
    t = await createTestApi(kind);
    admin = await t.login(t.a.admin.email);
    member = await t.login(t.a.member.email);
    // An ingress with small limits, so 413 and 429 are cheap to provoke; its counter is flushed by the test.
    counter = createRefusalCounter({ db: t.db, flushMs: 60_000 });
    ingress = createIngress({
      db: t.db,
      queue: t.deps.queue,
      config: { WEBHOOK_BODY_LIMIT: 200, ENCRYPTION_KEY, WEBHOOK_RATE_LIMIT: 1, WEBHOOK_RATE_BURST: 2 },
      hooks: createHookResolver({ db: t.db, box: createSecretBox(ENCRYPTION_KEY), ttlMs: 0 }),
      refusals: counter,
    });
  });
  afterAll(() => t?.close());

  async function hook(name: string, auth: Record<string, unknown>) {
    const created = await t.call('POST', `${base()}/workflows`, { cookie: admin, json: { ...webhookWorkflow, name, trigger: { type: 'webhook', auth } } });
    const act = await t.call('POST', `${base()}/workflows/${created.data.id}/activate`, { cookie: admin });
    expect(act.status).toBe(200);
    return { id: created.data.id as string, path: (act.data.workflow.hookPath as string).replace('/hooks', ''), secret: act.data.secret as string | undefined };
  }
  const refusals = async (q = '', cookie = member) => {
    const r = await t.call('GET', `${base()}/hook-refusals${q}`, { cookie });
    expect(r.status).toBe(200);
    return r.data as { since: string; totals: Totals; minutes: (Totals[number] & { minute: string })[] };
  };

  it('counts each refused call of a hook under its reason and time, without storing its body', async () => {
    const sig = await hook('Signed hook', { mode: 'signature' });
    const header = await hook('Header hook', { mode: 'header', headerName: 'X-Secret' });
    const open = await hook('Open hook', { mode: 'none' });
    const marker = `refused-body-${crypto.randomUUID()}`;
    const body = JSON.stringify({ marker });
    const json = { 'content-type': 'application/json' };
    const before = Date.now();

    // 401: a signature made with the wrong secret (twice), one with a stale timestamp.
    const wrong = signed(`whsec_${Buffer.from('not the secret at all!!!').toString('base64')}`, 'msg_1', Math.floor(Date.now() / 1000), body);
    for (let i = 0; i < 2; i++) {
      expect((await ingress.request(sig.path, { method: 'POST', headers: { ...json, ...wrong }, body })).status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 1100)); // the rate limit (1/s, burst 2) is not what this hook is about
    const stale = signed(sig.secret!, 'msg_2', Math.floor(Date.now() / 1000) - 3600, body);
    expect((await ingress.request(sig.path, { method: 'POST', headers: { ...json, ...stale }, body })).status).toBe(401);
    // 401: the header hook without its secret.
    expect((await ingress.request(header.path, { method: 'POST', headers: { ...json, 'x-secret': 'guess' }, body })).status).toBe(401);
    // 413, then 429 once the burst of two is spent.
    expect((await ingress.request(open.path, { method: 'POST', headers: json, body: JSON.stringify({ marker, pad: 'x'.repeat(400) }) })).status).toBe(413);
    expect((await ingress.request(open.path, { method: 'POST', headers: json, body })).status).toBe(202);
    const limited = await ingress.request(open.path, { method: 'POST', headers: json, body });
    expect(limited.status).toBe(429);

    // Nothing is written until the counter flushes (the refused call costs a map update, not a write).
    expect(await t.db.select().from(hookRefusals).where(eq(hookRefusals.workflowId, sig.id))).toHaveLength(0);
    await counter.flush();

    const { totals, minutes } = await refusals();
    const of = (id: string) =>
      Object.fromEntries(
        totals
          .filter((x) => x.workflowId === id)
          .map((x) => [x.reason, { count: x.count, name: x.workflowName, hookId: x.hookId, lastAt: Date.parse(x.lastAt) }]),
      );
    expect(of(sig.id)).toMatchObject({ bad_signature: { count: 2, name: 'Signed hook' }, stale_timestamp: { count: 1 } });
    expect(of(header.id)).toMatchObject({ wrong_secret: { count: 1, name: 'Header hook' } });
    expect(of(open.id)).toMatchObject({ too_large: { count: 1 }, rate_limited: { count: 1 } });
    expect(Object.keys(of(open.id)).sort()).toEqual(['rate_limited', 'too_large']); // the accepted call is not a refusal
    expect(of(sig.id).bad_signature!.hookId).toBe(sig.path.slice(1));
    expect(of(sig.id).bad_signature!.lastAt).toBeGreaterThanOrEqual(before - 1000);
    expect(of(sig.id).bad_signature!.lastAt).toBeLessThanOrEqual(Date.now() + 1000);
    // Per minute, aggregated: two bad signatures are one row (two if a minute ended between them).
    const badRows = minutes.filter((m) => m.workflowId === sig.id && m.reason === 'bad_signature');
    expect(badRows.reduce((n, m) => n + m.count, 0)).toBe(2);
    expect(badRows.length).toBeLessThanOrEqual(2);
    for (const m of badRows) expect(new Date(m.minute).getUTCSeconds()).toBe(0);

    // Filtered to one workflow, as the editor asks.
    expect(new Set((await refusals(`?workflowId=${header.id}`)).totals.map((x) => x.workflowId))).toEqual(new Set([header.id]));
    // The refused bodies are nowhere: no event for the refused calls, the marker only in the one accepted event.
    const stored = await t.db.select().from(events);
    expect(stored.filter((e) => JSON.stringify(e.payload).includes(marker))).toHaveLength(1);
    expect(stored.filter((e) => e.workflowId === sig.id || e.workflowId === header.id)).toHaveLength(0);
    expect(JSON.stringify(await t.db.select().from(hookRefusals))).not.toContain(marker);

    // A second flush adds to the same minute rather than replacing it.
    expect((await ingress.request(header.path, { method: 'POST', headers: { ...json, 'x-secret': 'guess again' }, body })).status).toBe(401);
    await counter.flush();
    expect(of2((await refusals(`?workflowId=${header.id}`)).totals)).toBe(2);
    function of2(x: Totals) {
      return x.find((r) => r.reason === 'wrong_secret')?.count;
    }
  });

  it('counts calls to a hook that was turned off (answered 404 like an unknown hook), through the app, flushed in the background', async () => {
    const off = await hook('Turned off hook', { mode: 'none' });
    expect((await t.call('POST', `${base()}/workflows/${off.id}/deactivate`, { cookie: admin })).status).toBe(200);
    const res = await t.call('POST', `/hooks${off.path}`, { json: { hello: 'world' } });
    const unknown = await t.call('POST', '/hooks/nosuchhook123456', { json: { hello: 'world' } });
    expect(res.status).toBe(404);
    expect(res.data).toEqual(unknown.data);
    // The app's own counter writes within its flush interval (2 s), with no request needed.
    await expect
      .poll(async () => (await refusals(`?workflowId=${off.id}`)).totals.map((x) => [x.reason, x.count]), { timeout: 15_000, interval: 500 })
      .toEqual([['inactive', 1]]);
  });

  it('is workspace-scoped: another workspace sees none of these counts and cannot read this one', async () => {
    const bAdmin = await t.login(t.b.admin.email);
    const theirs = await t.call('GET', `/api/workspaces/${t.b.id}/hook-refusals`, { cookie: bAdmin });
    expect(theirs.status).toBe(200);
    expect(theirs.data.totals).toEqual([]);
    expect((await t.call('GET', `${base()}/hook-refusals`, { cookie: bAdmin })).status).toBe(404);
    expect((await t.call('GET', `${base()}/hook-refusals`)).status).toBe(401);
  });

  it('the event log names a webhook event’s workflow and hook, and GET …/events/:id returns its payload', async () => {
    const h = await hook('Sign-up form', { mode: 'none' });
    const sent = await ingress.request(h.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com' }),
    });
    expect(sent.status).toBe(202);
    const { eventId } = (await sent.json()) as { eventId: string };
    const list = await t.call('GET', `${base()}/events?source=webhook&workflowId=${h.id}`, { cookie: member });
    expect(list.data.items).toHaveLength(1);
    expect(list.data.items[0]).toMatchObject({ id: eventId, workflowId: h.id, workflowName: 'Sign-up form', hookId: h.path.slice(1) });
    expect(list.data.items[0]).not.toHaveProperty('payload');
    const one = await t.call('GET', `${base()}/events/${eventId}`, { cookie: member });
    expect(one.status).toBe(200);
    expect(one.data).toMatchObject({ workflowName: 'Sign-up form', payload: { kind: 'webhook', method: 'POST', body: { email: 'ada@example.com' } } });
    // Record events name no workflow.
    const rec = await t.call('POST', `${base()}/records/contact`, { cookie: member, json: { data: { email: 'x@y.z' } } });
    const recEvents = await t.call('GET', `${base()}/events?recordId=${rec.data.id}`, { cookie: member });
    expect(recEvents.data.items[0]).toMatchObject({ workflowId: null, workflowName: null, hookId: null });
  });
});
