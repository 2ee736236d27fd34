/**
 * Workspace secrets through the whole product on real PostgreSQL and the Temporal dev server: an admin
 * stores secrets over HTTP, a webhook workflow uses them, and afterwards the value is searched for in
 * every API answer (as admin and as member), every row of every table, and every Temporal history of
 * those runs: no hits. A run that failed on an old value and is retried after the secret was replaced
 * uses the new one. Deleting a secret an active workflow uses is refused, naming the workflow.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@conduit/core/db';
import { addMember, createUser, hashPassword } from '@conduit/core/domain';
import { runWorkflowId } from '@conduit/core/temporal';
import { createDatabase } from '../src/services/postgres';
import { postHook, signIn, type ApiClient } from '../src/testing/api-client';
import { testEnv } from '../src/testing/env';
import { startStack, type TestStack } from '../src/testing/stack';

const VALUES = { token: 'sk_live_51Hx-token-value-9f3a', key: 'ak-OLD-0000-value-7c1e', rotated: 'ak-NEW-1111-value-d4b2' };
const seen: IncomingMessage['headers'][] = [];
let receiver: Server;
let base = '';

describe('workspace secrets on the real stack', () => {
  let stack: TestStack;
  let admin: ApiClient;
  let member: ApiClient;
  let databaseUrl: string;
  let ws = '';
  const executionIds: string[] = [];

  /** Any route, raw: status and body text (the text is what gets searched). */
  async function raw(who: ApiClient, method: string, path: string, body?: unknown) {
    const r = await fetch(`${stack.url}${path}`, {
      method,
      headers: { cookie: who.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, text, json: text ? (JSON.parse(text) as any) : null };
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(req.headers);
        if (req.url?.startsWith('/strict') && req.headers['x-api-key'] !== VALUES.rotated) res.writeHead(403).end('wrong key');
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, echo: req.headers.authorization ?? null }));
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    databaseUrl = await createDatabase(testEnv.databaseServerUrl(), 'secrets');
    stack = await startStack({ databaseUrl, env: { ...process.env, HTTP_ALLOWLIST: '127.0.0.1' } });
    admin = await signIn(stack.url, stack.login);
    ws = `/api/workspaces/${admin.workspace.id}`;
    const handle = await createDb({ url: databaseUrl, migrate: false });
    try {
      const password = 'member password 123';
      const user = await createUser(handle.db, { email: 'member@secrets.test', name: 'Member', passwordHash: await hashPassword(password) });
      await addMember(handle.db, { workspaceId: admin.workspace.id, userId: user.id, role: 'member' });
      member = await signIn(stack.url, { email: 'member@secrets.test', password });
    } finally {
      await handle.close();
    }
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  it('admins store secrets; members cannot list them; no answer carries a value', async () => {
    expect((await raw(admin, 'PUT', `${ws}/secrets/CRM_TOKEN`, { value: VALUES.token })).status).toBe(201);
    const put = await raw(admin, 'PUT', `${ws}/secrets/CRM_KEY`, { value: VALUES.key });
    expect(put.status).toBe(201);
    expect(put.json).toMatchObject({ name: 'CRM_KEY', hint: '…7c1e', createdBy: stack.login.email, usedBy: [] });
    expect(put.text).not.toContain(VALUES.key);
    expect((await raw(admin, 'PUT', `${ws}/secrets/lower_case`, { value: 'x' })).status).toBe(400);
    expect((await raw(member, 'GET', `${ws}/secrets`)).status).toBe(403);
    expect((await raw(member, 'PUT', `${ws}/secrets/CRM_KEY`, { value: 'member-was-here' })).status).toBe(403);
  });

  it('refuses a literal credential, and an unknown secret at publish, naming step, field and secret', async () => {
    const literal = await raw(admin, 'POST', `${ws}/workflows`, {
      name: 'Literal',
      trigger: { type: 'webhook' },
      actions: [{ id: 'call', name: 'Tell the CRM', type: 'send_webhook', url: `${base}/x`, headers: { Authorization: 'Bearer sk_live_abc' } }],
    });
    expect(literal.status).toBe(400);
    expect(literal.json.error.message).toBe(
      'Step "Tell the CRM", Headers "Authorization": this looks like a credential written in the workflow; store it as a secret (Settings → Secrets) and write {{secrets.NAME}} here',
    );
    const created = await raw(admin, 'POST', `${ws}/workflows`, {
      name: 'Unknown',
      trigger: { type: 'webhook' },
      actions: [{ id: 'call', name: 'Tell the CRM', type: 'send_webhook', url: `${base}/x`, auth: { type: 'bearer', token: '{{secrets.NOPE}}' } }],
    });
    expect(created.status).toBe(201);
    const publish = await raw(admin, 'POST', `${ws}/workflows/${created.json.id}/activate`);
    expect(publish.status).toBe(400);
    expect(publish.json.error.message).toBe('Step "Tell the CRM", Auth: there is no secret NOPE in this workspace; add it under Settings → Secrets');
  });

  it('runs use the values; afterwards no API answer, table row or Temporal history holds one', { timeout: 180_000 }, async () => {
    const wf = await admin.createWorkflow({
      name: 'CRM sync',
      trigger: { type: 'webhook' },
      actions: [
        { id: 'push', name: 'Push to CRM', type: 'send_webhook', url: `${base}/push`, auth: { type: 'bearer', token: '{{secrets.CRM_TOKEN}}' } },
        { id: 'strict', name: 'Strict API', type: 'send_webhook', url: `${base}/strict`, headers: { 'X-Api-Key': '{{secrets.CRM_KEY}}' } },
      ],
    });
    const { workflow } = await admin.activate(wf.id);
    seen.length = 0;
    expect((await postHook(stack.url, workflow.hookPath!, { n: 1 })).status).toBe(202);
    const [failed] = await admin.waitForRuns(wf.id, 1);
    expect(failed!.status).toBe('failed');
    expect(seen.map((h) => h.authorization)).toEqual([`Bearer ${VALUES.token}`, undefined]);
    expect(seen[1]!['x-api-key']).toBe(VALUES.key);
    executionIds.push(failed!.id);

    // Used by: the list names the workflow; deleting while it is active is refused with its name.
    const list = await raw(admin, 'GET', `${ws}/secrets`);
    expect(list.json.items.find((s: { name: string }) => s.name === 'CRM_KEY').usedBy).toMatchObject([
      { name: 'CRM sync', active: true, inActiveVersion: true },
    ]);
    const del = await raw(admin, 'DELETE', `${ws}/secrets/CRM_KEY`);
    expect(del.status).toBe(409);
    expect(del.json.error.message).toContain('"CRM sync"');

    // Replaced, then the failed run retried: the retry's step uses the new value.
    expect((await raw(admin, 'PUT', `${ws}/secrets/CRM_KEY`, { value: VALUES.rotated })).status).toBe(200);
    const retry = await raw(admin, 'POST', `${ws}/executions/${failed!.id}/retry`);
    expect(retry.status).toBe(201);
    executionIds.push(retry.json.id);
    for (let i = 0; i < 200; i++) {
      const e = await admin.execution(retry.json.id);
      if (['completed', 'failed'].includes(e.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await admin.execution(retry.json.id)).status).toBe('completed');
    expect(seen.at(-1)!['x-api-key']).toBe(VALUES.rotated);

    // Every route that shows workflows, versions, runs, steps, events and secrets, as admin and member.
    const paths = [
      `${ws}/workflows`,
      `${ws}/workflows/${wf.id}`,
      `${ws}/workflows/${wf.id}/versions`,
      `${ws}/executions?workflowId=${wf.id}`,
      ...executionIds.map((id) => `${ws}/executions/${id}`),
      `${ws}/events`,
      `${ws}/secrets`,
      `/api/me`,
    ];
    let answers = 0;
    for (const who of [admin, member])
      for (const p of paths) {
        const r = await raw(who, 'GET', p);
        if (r.status !== 200) continue;
        answers++;
        for (const v of Object.values(VALUES)) expect(r.text, `${p} holds a secret value`).not.toContain(v);
      }
    expect(answers).toBeGreaterThanOrEqual(paths.length * 2 - 1); // the member gets 403 on /secrets only

    // Every row of every table, as text.
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    let rows = 0;
    try {
      const { rows: tables } = await c.query<{ s: string; t: string }>(
        "select table_schema as s, table_name as t from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')",
      );
      expect(tables.map((t) => t.t)).toEqual(
        expect.arrayContaining(['workspace_secrets', 'workflows', 'workflow_versions', 'execution_steps', 'workflow_executions', 'events']),
      );
      for (const { s, t } of tables) {
        const { rows: dump } = await c.query<{ row: string }>(`select t::text as row from "${s}"."${t}" t`);
        rows += dump.length;
        for (const { row } of dump) for (const v of Object.values(VALUES)) expect(row, `${t} holds a secret value`).not.toContain(v);
      }
    } finally {
      await c.end();
    }
    expect(rows).toBeGreaterThan(10);

    // Every Temporal history of those runs, payloads decoded.
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      const client = new Client({ connection, namespace: stack.config.TEMPORAL_NAMESPACE });
      for (const id of executionIds) {
        const history = await client.workflow.getHandle(runWorkflowId(id)).fetchHistory();
        const text = JSON.stringify(history, (k, v: unknown) =>
          k === 'data'
            ? v instanceof Uint8Array
              ? Buffer.from(v).toString('utf8')
              : typeof v === 'string'
                ? Buffer.from(v, 'base64').toString('utf8')
                : v
            : v,
        );
        expect(history.events?.length).toBeGreaterThan(3);
        for (const v of Object.values(VALUES)) expect(text).not.toContain(v);
      }
    } finally {
      await connection.close();
    }

    // Off, the secret may go; the list no longer has it.
    expect((await raw(admin, 'POST', `${ws}/workflows/${wf.id}/deactivate`)).status).toBe(200);
    expect((await raw(admin, 'DELETE', `${ws}/secrets/CRM_KEY`)).status).toBe(200);
    expect((await raw(admin, 'GET', `${ws}/secrets`)).json.items.map((s: { name: string }) => s.name)).toEqual(['CRM_TOKEN']);
  });
});
