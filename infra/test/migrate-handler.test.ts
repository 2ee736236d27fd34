import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDatabase, testEnv } from '@conduit/local/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda } from '../src/bundle';
import { migrationsDigest } from '../src/migrations';
import { REPO_ROOT } from '../src/paths';

/**
 * The deploy's migration step as it ships: the bundled `migrate` function with the migrations it
 * carries, called as CloudFormation's custom-resource provider calls it, against real PostgreSQL
 * (the database URL comes from a Secrets Manager secret in moto, as in the cloud).
 */
type Handler = (event: { RequestType: string; PhysicalResourceId?: string }) => Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }>;
let handler: Handler;
const endpoint = () => testEnv.sqsEndpoint();
const saved = { ...process.env };

async function secretFor(databaseUrl: string): Promise<string> {
  const name = `conduit/migrate-${randomUUID()}/runtime`;
  const client = new SecretsManagerClient({ region: 'us-east-1', endpoint: endpoint(), credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await client.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ DATABASE_URL: databaseUrl, ENCRYPTION_KEY: randomBytes(32).toString('base64'), TEMPORAL_API_KEY: '', SMTP_URL: '' }),
    }),
  );
  client.destroy();
  return name;
}

const tables = async (url: string): Promise<string[]> => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'public' order by 1`);
    return r.rows.map((x) => x.t);
  } finally {
    await c.end();
  }
};

beforeAll(async () => {
  const bundle = await bundleLambda('migrate');
  handler = ((await import(pathToFileURL(bundle.file).href)) as { handler: Handler }).handler;
});
afterEach(() => {
  for (const k of ['CONDUIT_SECRET_ID', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'DATABASE_URL']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const useSecret = (name: string) => {
  delete process.env.DATABASE_URL; // only the secret may provide it
  Object.assign(process.env, {
    CONDUIT_SECRET_ID: name,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint(),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
};

describe('the migration step (custom resource)', () => {
  it('creates the schema on an empty database on Create, is a no-op on the next Update, and never drops anything on Delete', async () => {
    const url = await createDatabase(testEnv.databaseServerUrl());
    useSecret(await secretFor(url));
    expect(await tables(url)).toEqual([]);
    const created = await handler({ RequestType: 'Create' });
    expect(created.PhysicalResourceId).toBe('conduit-database-schema');
    const after = await tables(url);
    expect(after).toEqual(expect.arrayContaining(['workflows', 'workflow_executions', 'records', 'events']));
    expect((await handler({ RequestType: 'Update', PhysicalResourceId: created.PhysicalResourceId })).PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(await tables(url)).toEqual(after);
    await handler({ RequestType: 'Delete', PhysicalResourceId: created.PhysicalResourceId });
    expect(await tables(url)).toEqual(after);
  });

  it('fails (so the deploy fails and rolls back) when the database cannot be migrated', async () => {
    useSecret(await secretFor('postgres://nobody:wrong@127.0.0.1:1/none'));
    await expect(handler({ RequestType: 'Update', PhysicalResourceId: 'conduit-database-schema' })).rejects.toThrow();
  });

  it('changes its digest, and so runs again, when a migration is added, and only then', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduit-drizzle-'));
    cpSync(join(REPO_ROOT, 'core/drizzle'), dir, { recursive: true });
    const before = migrationsDigest(dir);
    expect(migrationsDigest(dir)).toBe(before);
    writeFileSync(join(dir, '9999_next.sql'), 'alter table records add column x int;');
    expect(migrationsDigest(dir)).not.toBe(before);
    rmSync(dir, { recursive: true, force: true });
  });
});
