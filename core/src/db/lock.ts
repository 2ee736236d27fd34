import { sql } from 'drizzle-orm';
import type { Db, Tx } from './client';

/**
 * Runs `fn` holding a database-wide lock named `name`, inside one transaction: a transaction-scoped
 * advisory lock, so it works through a transaction-mode pooler (Neon's -pooler endpoint) and is freed
 * when the transaction ends, even if the holder dies. A second caller waits for the first to finish.
 * `fn` gets the transaction: on PGlite (one connection) a query outside it would wait forever.
 */
export async function withDbLock<T>(db: Db, name: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`conduit:${name}`}, 0))`);
    return fn(tx);
  });
}
