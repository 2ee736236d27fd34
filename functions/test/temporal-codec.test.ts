import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { addMember, createApiKey, createUser, createWorkspace, dbPayloadStore, hashPassword } from '@conduit/core/domain';
import { encodePayloads, OFFLOAD_MIN_BYTES, OFFLOADED_ENCODING, workerDataConverter } from '@conduit/core/temporal-codec';
import { temporalPayloads } from '@conduit/core/testing';
import { testEnv } from '@conduit/local/testing';
import { createApp } from '../src/app';
import { createTestApi, PASSWORD, webhookWorkflow, type TestApi } from './api-helpers';

const UI = 'http://localhost:8233';
const MARKER = `codec-marker-${crypto.randomUUID()}`;
const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64');
/** As the Temporal UI sends a payload: protobuf JSON, bytes in base64. */
const toJson = (p: Payload) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data) });

/**
 * The codec endpoint the Temporal UI calls, over a run started through the API on the real dev
 * server (no worker polls its task queue: its start input is what is decoded).
 */
describe('POST /api/temporal-codec/decode', () => {
  let t: TestApi;
  let admin: string;
  let member: string;
  let encrypted: ReturnType<typeof toJson>;
  let plainConnection: Connection;
  beforeAll(async () => {
    t = await createTestApi('pglite', { taskQueue: `codec-${crypto.randomUUID()}` });
    admin = await t.login(t.a.admin.email);
    member = await t.login(t.a.member.email);
    const wf = await t.call('POST', `/api/workspaces/${t.a.id}/workflows`, { cookie: admin, json: webhookWorkflow });
    const run = await t.call('POST', `/api/workspaces/${t.a.id}/workflows/${wf.data.id}/test`, { cookie: admin, json: { payload: { name: MARKER } } });
    expect(run.status).toBe(201);
    // Read as someone with Temporal access but no key would: a client without the codec.
    plainConnection = await Connection.connect({ address: testEnv.temporalAddress() });
    const history = await new Client({ connection: plainConnection }).workflow.getHandle(run.data.temporalWorkflowId).fetchHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(new TextDecoder().decode(payload.metadata!.encoding!)).toBe('binary/encrypted');
    expect(JSON.stringify(history)).not.toContain(MARKER);
    expect(Buffer.from(payload.data!).includes(MARKER)).toBe(false);
    encrypted = toJson(payload);
  });
  afterAll(async () => {
    await plainConnection?.close();
    await t?.close();
  });

  const decode = (init: { cookie?: string; key?: string; origin?: string }) =>
    t.call('POST', '/api/temporal-codec/decode', {
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.key ? { key: init.key } : {}),
      json: { payloads: [encrypted] },
      headers: { 'x-namespace': 'default', ...(init.origin ? { origin: init.origin } : {}) },
    });
  const clear = (p: { metadata: Record<string, string>; data: string }) =>
    defaultPayloadConverter.fromPayload({
      metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: Buffer.from(p.data, 'base64'),
    });

  it('decrypts for a workspace admin (session from the Temporal UI, with CORS for that origin only)', async () => {
    const r = await decode({ cookie: admin, origin: UI });
    expect(r.status).toBe(200);
    expect(r.data.payloads).toHaveLength(1);
    expect(JSON.stringify(clear(r.data.payloads[0]))).toContain(MARKER);
    expect(r.headers.get('access-control-allow-origin')).toBe(UI);
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('decrypts for an admin API key (the CLI: temporal workflow show --codec-endpoint … --codec-auth "Bearer …")', async () => {
    const { key } = await createApiKey(t.db, { workspaceId: t.a.id, name: 'ops', role: 'admin', createdBy: null, expiresAt: null });
    const r = await decode({ key });
    expect(r.status).toBe(200);
    expect(JSON.stringify(clear(r.data.payloads[0]))).toContain(MARKER);
  });

  it('refuses a member (403), a member API key (403) and nobody (401), and decodes nothing for them', async () => {
    const m = await decode({ cookie: member, origin: UI });
    expect(m.status).toBe(403);
    expect(JSON.stringify(m.data)).not.toContain(MARKER);
    // The refusal still carries the UI's CORS headers, so the UI can tell "forbidden" from "unreachable".
    expect(m.headers.get('access-control-allow-origin')).toBe(UI);
    const { key } = await createApiKey(t.db, { workspaceId: t.a.id, name: 'read', role: 'member', createdBy: null, expiresAt: null });
    expect((await decode({ key })).status).toBe(403);
    const none = await decode({ origin: UI });
    expect(none.status).toBe(401);
    expect(JSON.stringify(none.data)).not.toContain(MARKER);
  });

  it('reads a large payload the worker stored in the database, then decrypts it; a pruned one comes back as its key', async () => {
    // As the worker encodes a large result: encrypted, then stored, Temporal keeping the key.
    const encoded = await encodePayloads(workerDataConverter(t.deps.config, dbPayloadStore(t.db)), [
      defaultPayloadConverter.toPayload({ name: MARKER, pad: 'p'.repeat(OFFLOAD_MIN_BYTES) }),
    ]);
    const ref = encoded[0];
    expect(new TextDecoder().decode(ref!.metadata!.encoding!)).toBe(OFFLOADED_ENCODING);
    const post = () => t.call('POST', '/api/temporal-codec/decode', { cookie: admin, json: { payloads: [toJson(ref!)] } });
    const r = await post();
    expect(r.status).toBe(200);
    expect((clear(r.data.payloads[0]) as { name: string }).name).toBe(MARKER);
    await t.db.delete(temporalPayloads);
    const gone = await post();
    expect(gone.status).toBe(200);
    expect(gone.data.payloads[0]).toEqual(toJson(ref!));
  });

  it('answers CORS only to the configured Temporal UI origin', async () => {
    const preflight = (origin: string) =>
      t.app.request('/api/temporal-codec/decode', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-methods')).toBe('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    for (const other of ['https://evil.example', 'http://localhost:8234', 'null']) {
      const res = await preflight(other);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      const post = await decode({ cookie: admin, origin: other });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('with TEMPORAL_CODEC_WORKSPACE set, only that workspace’s admins decode', async () => {
    const app = createApp({ ...t.deps, config: { ...t.deps.config, TEMPORAL_CODEC_WORKSPACE: t.b.slug } });
    const post = async (cookie: string) =>
      app.request('/api/temporal-codec/decode', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ payloads: [encrypted] }),
      });
    expect((await post(admin)).status).toBe(403);
    const bAdmin = await t.login(t.b.admin.email);
    expect((await post(bAdmin)).status).toBe(200);
    // An admin of A who is only a member of B is still refused.
    const ws = await createWorkspace(t.db, { name: 'Other', slug: `other-${crypto.randomUUID().slice(0, 8)}` });
    const u = await createUser(t.db, { email: `ops-${crypto.randomUUID().slice(0, 8)}@x.test`, name: 'Ops', passwordHash: await hashPassword(PASSWORD) });
    await addMember(t.db, { workspaceId: ws.id, userId: u.id, role: 'admin' });
    await addMember(t.db, { workspaceId: t.b.id, userId: u.id, role: 'member' });
    expect((await post(await t.login(u.email))).status).toBe(403);
  });
});
