/** Shared setup for the API tests: a real database, a lazily connected Temporal client, the real in-process queue. */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '@conduit/core/config';
import { createSecretBox } from '@conduit/core/crypto';
import { companies, type Db } from '@conduit/core/testing';
import { addMember, createUser, createWorkspace, dbPayloadStore, hashPassword } from '@conduit/core/domain';
import { createInProcessQueue, type EventMessage } from '@conduit/core/events';
import { runWorkflowId, type RunInput } from '@conduit/core/temporal';
import { temporalDataConverter } from '@conduit/core/temporal-codec';
import { createApp } from '../src/app';
import type { AppDeps } from '../src/deps';
import { createRunStarter } from '../src/runs';
import { decodeStored } from './dispatch-fixtures';
import { createTestDb, testEnv, type TestDbKind } from '@conduit/local/testing';

export const ENCRYPTION_KEY = 'b'.repeat(64);
export const PASSWORD = 'correct horse battery staple';

export type Tenant = { id: string; slug: string; companyId: string; admin: { id: string; email: string }; member: { id: string; email: string } };

async function tenant(db: Db, name: string, hash: string): Promise<Tenant> {
  const tag = crypto.randomUUID().slice(0, 8);
  const ws = await createWorkspace(db, { name, slug: `${name.toLowerCase()}-${tag}` });
  const [co] = await db
    .insert(companies)
    .values({ workspaceId: ws.id, name: `${name} Inc` })
    .returning();
  const admin = await createUser(db, { email: `admin-${tag}@${name.toLowerCase()}.test`, name: 'Admin', passwordHash: hash });
  const member = await createUser(db, { email: `member-${tag}@${name.toLowerCase()}.test`, name: 'Member', passwordHash: hash });
  await addMember(db, { workspaceId: ws.id, userId: admin.id, role: 'admin' });
  await addMember(db, { workspaceId: ws.id, userId: member.id, role: 'member' });
  return { id: ws.id, slug: ws.slug, companyId: co!.id, admin, member };
}

export type TestApi = Awaited<ReturnType<typeof createTestApi>>;

/** A fresh app over a fresh database with two workspaces (A and B), each with an admin and a member. */
export async function createTestApi(kind: TestDbKind, o: { taskQueue?: string; deps?: Partial<AppDeps> } = {}) {
  const handle = await createTestDb(kind);
  const db = handle.db;
  const connection = Connection.lazy({ address: testEnv.temporalAddress() });
  const temporal = new Client({ connection, dataConverter: temporalDataConverter({ ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD: [] }, dbPayloadStore(db)) });
  const published: EventMessage[] = [];
  const queue = createInProcessQueue(async (m) => {
    published.push(m);
  });
  const config = loadConfig({ ENCRYPTION_KEY, DATABASE_URL: handle.url, TEMPORAL_UI_URL: 'http://localhost:8233' });
  const runs = createRunStarter({ db, temporal, taskQueue: o.taskQueue ?? `api-tests-${crypto.randomUUID()}` });
  const deps: AppDeps = { db, config, secrets: createSecretBox(ENCRYPTION_KEY), temporal, queue, runs, ...o.deps };
  const app = createApp(deps);
  const hash = await hashPassword(PASSWORD);
  const a = await tenant(db, 'Alpha', hash);
  const b = await tenant(db, 'Beta', hash);

  async function call(
    method: string,
    path: string,
    init: { cookie?: string; key?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers };
    if (init.cookie) headers.cookie = init.cookie;
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    let body: string | undefined = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let data: any = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    return { status: res.status, data, headers: res.headers };
  }

  async function login(email: string, password = PASSWORD): Promise<string> {
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers.get('set-cookie') ?? '';
    return cookie.split(';')[0]!;
  }

  return {
    app,
    db,
    deps,
    a,
    b,
    call,
    login,
    published,
    temporal,
    async close() {
      await queue.stop?.();
      await connection.close().catch(() => {});
      await handle.close();
    },
  };
}

/** The input a Temporal workflow was started with, read back from its history. */
export async function startedInput(client: Client, executionId: string): Promise<RunInput> {
  const history = await client.workflow.getHandle(runWorkflowId(executionId)).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error('no start input');
  const [plain] = await decodeStored(client, payload);
  return defaultPayloadConverter.fromPayload(plain!) as RunInput;
}

/** Every row of the tables a refused request must not touch, for before/after comparison. */
export async function snapshot(db: Db): Promise<string> {
  const s = await import('@conduit/core/testing');
  const tables = [s.workflows, s.workflowVersions, s.workflowSecrets, s.records, s.events, s.workflowExecutions, s.apiKeys, s.sessions, s.memberships];
  const out: unknown[] = [];
  for (const t of tables) {
    const rows = (await db.select().from(t as typeof s.workflows)) as Record<string, unknown>[];
    // A session's last-seen time moves with any request, refused ones too: not a change a refusal made.
    out.push(t === s.sessions ? rows.map(({ lastSeenAt: _, ...r }) => r) : rows);
  }
  return JSON.stringify(out);
}

export const webhookWorkflow = {
  name: 'Hook',
  trigger: { type: 'webhook' },
  actions: [{ id: 'mk', type: 'create_record', object: 'deal', data: { name: '{{trigger.body.name}}' } }],
};
