import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '@conduit/core/config';
import { createSecretBox } from '@conduit/core/crypto';
import { temporalDataConverter } from '@conduit/core/temporal-codec';
import { companies, type Db } from '@conduit/core/testing';
import { addMember, createApiKey, createUser, createWorkspace, dbPayloadStore, hashPassword } from '@conduit/core/domain';
import { createInProcessQueue } from '@conduit/core/events';
import { createApp, type AppDeps } from '@conduit/functions';
import { createRunStarter } from '@conduit/functions/testing';
import { createTestDb, testEnv, type TestDbKind } from '@conduit/local/testing';
import { newEncryptionKey } from '../fixtures';

const PASSWORD = 'reliability suite password 1';

export type TestTenant = { id: string; slug: string; companyId: string; admin: { id: string; email: string }; member: { id: string; email: string } };

async function tenant(db: Db, name: string, hash: string): Promise<TestTenant> {
  const tag = crypto.randomUUID().slice(0, 8);
  const ws = await createWorkspace(db, { name, slug: `${name.toLowerCase()}-${tag}` });
  const [co] = await db
    .insert(companies)
    .values({ workspaceId: ws.id, name: `${name} company` })
    .returning({ id: companies.id });
  const admin = await createUser(db, { email: `admin-${tag}@${name.toLowerCase()}.example`, name: 'Admin', passwordHash: hash });
  const member = await createUser(db, { email: `member-${tag}@${name.toLowerCase()}.example`, name: 'Member', passwordHash: hash });
  await addMember(db, { workspaceId: ws.id, userId: admin.id, role: 'admin' });
  await addMember(db, { workspaceId: ws.id, userId: member.id, role: 'member' });
  return { id: ws.id, slug: ws.slug, companyId: co!.id, admin, member };
}

export type Reply = { status: number; data: unknown; headers: Headers; text: string };

/**
 * The real app (createApp) over a fresh database with two tenants, A and B, each with an admin and
 * a member. Runs are started on a task queue no worker polls: the suite looks at what the API
 * accepts and stores, not at runs.
 */
export async function createApiUnderTest(kind: TestDbKind, o: { deps?: Partial<AppDeps> } = {}) {
  const handle = await createTestDb(kind);
  const db = handle.db;
  const encryptionKey = newEncryptionKey();
  const connection = Connection.lazy({ address: testEnv.temporalAddress() });
  const temporal = new Client({
    connection,
    dataConverter: temporalDataConverter({ ENCRYPTION_KEY: encryptionKey, ENCRYPTION_KEYS_OLD: [] }, dbPayloadStore(db)),
  });
  const queue = createInProcessQueue(async () => {});
  const config = loadConfig({ ENCRYPTION_KEY: encryptionKey, DATABASE_URL: handle.url, TEMPORAL_UI_URL: 'http://localhost:8233' });
  const runs = createRunStarter({ db, temporal, taskQueue: `reliability-${crypto.randomUUID()}` });
  const deps: AppDeps = { db, config, secrets: createSecretBox(encryptionKey), temporal, queue, runs, ...o.deps };
  const app = createApp(deps);
  const hash = await hashPassword(PASSWORD);
  const a = await tenant(db, 'Alpha', hash);
  const b = await tenant(db, 'Beta', hash);

  async function call(
    method: string,
    path: string,
    init: { cookie?: string; key?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.cookie) headers.cookie = init.cookie;
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    return { status: res.status, data, headers: res.headers, text };
  }

  async function login(email: string, password = PASSWORD): Promise<string> {
    const r = await call('POST', '/api/auth/login', { json: { email, password } });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  const apiKey = (workspaceId: string, role: 'admin' | 'member', expiresAt: Date | null = null) =>
    createApiKey(db, { workspaceId, name: `reliability ${role}`, role, createdBy: null, expiresAt });

  return {
    app,
    db,
    deps,
    a,
    b,
    call,
    login,
    apiKey,
    encryptionKey,
    async close() {
      await queue.stop?.();
      await connection.close().catch(() => {});
      await handle.close();
    },
  };
}
export type ApiUnderTest = Awaited<ReturnType<typeof createApiUnderTest>>;
