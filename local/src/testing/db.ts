import { createDb, type DbHandle } from '@conduit/core/db';
import { createDatabase } from '../services/postgres';
import { testEnv } from './env';

export type TestDbKind = 'pglite' | 'pg';
export const TEST_DB_KINDS: TestDbKind[] = ['pglite', 'pg'];

/** A migrated, empty database: in-memory PGlite, or a new database on the test PostgreSQL server. */
export async function createTestDb(kind: TestDbKind = 'pg'): Promise<DbHandle & { url: string }> {
  if (kind === 'pglite') {
    const h = await createDb({ url: 'memory://' });
    return { ...h, url: 'memory://' };
  }
  const url = await createDatabase(testEnv.databaseServerUrl());
  const h = await createDb({ url });
  return { ...h, url };
}
