import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { ClientConfig, Pool } from 'pg';
import { classifyDbError } from './errors';
import * as schema from './schema';

export type Schema = typeof schema;
/** One type for every driver, so services never know which database they talk to. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; services take `Db | Tx` where they can join a caller's transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type DbDriver = 'pglite' | 'pg' | 'neon';
/** PGlite's own calls the product does not make through drizzle (a tool hearing NOTIFY in-process). */
export type EmbeddedPglite = {
  exec(sql: string): Promise<unknown>;
  listen(channel: string, cb: (payload: string) => void): Promise<unknown>;
};
export type DbHandle = {
  db: Db;
  driver: DbDriver;
  close: () => Promise<void>;
  /** Calls on the embedded database beside `db`, on the pglite driver only. */
  pglite?: EmbeddedPglite;
};

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Picks the driver from the URL: none or a path → PGlite; postgres:// → pg; *.neon.tech (or DATABASE_DRIVER=neon) → Neon. */
export function driverFor(url: string | undefined, forced?: 'neon' | ''): DbDriver {
  if (!url || url.startsWith('pglite:') || url.startsWith('memory:') || !url.includes('://')) return 'pglite';
  if (/^postgres(ql)?:\/\//.test(url)) return /\.neon\.tech[:/]/.test(url) || forced === 'neon' ? 'neon' : 'pg';
  throw new Error(`DATABASE_URL must be a postgres:// URL, a folder path, or memory://; got "${url.split(':')[0]}:…"`);
}

export type CreateDbOptions = {
  /** DATABASE_URL; a folder path (or pglite:<path>) for PGlite, memory:// for an in-memory PGlite. */
  url?: string;
  /** Default folder for PGlite when url is empty. */
  dataDir?: string;
  /** DATABASE_DRIVER from the configuration: `neon` sends every postgres:// URL through Neon's driver. */
  driver?: 'neon' | '';
  /** Apply migrations on open (default true). */
  migrate?: boolean;
  /** Where drizzle-kit's migrations are (default: core/drizzle; a bundle that ships them elsewhere says so). */
  migrationsFolder?: string;
  poolSize?: number;
  /**
   * pg and Neon: how long a new connection keeps trying while the server refuses it (restarting,
   * shutting down, unreachable) before the query fails as database_unavailable. Default 5 s: a
   * restart that quick delays requests and steps instead of failing them, and a longer outage is
   * still answered (503) well within a webhook sender's timeout. 0: fail at once.
   */
  waitForDatabaseMs?: number;
};

const DEFAULT_WAIT_FOR_DATABASE_MS = 5_000;

export async function createDb(opts: CreateDbOptions = {}): Promise<DbHandle> {
  const driver = driverFor(opts.url, opts.driver);
  const handle = await open(driver, opts);
  if (opts.migrate !== false) await migrate(handle, opts.migrationsFolder);
  return handle;
}

/**
 * The three drivers' drizzle instances differ only in their query-result type parameter; services use
 * the shared query builder, and read raw `execute` results through driver-row.ts, which handles each
 * driver's shape. So treating all three as one Db is sound, though TypeScript cannot see it.
 */
const asDb = (d: object): Db => d as unknown as Db;

/**
 * A new PGlite folder is created (initdb) by a short-lived Node process, not in this one: PGlite runs
 * initdb in a second WebAssembly instance, and the memory that took (about 100 MiB) stayed resident in
 * the process for its whole life, even after that instance was closed (issue 21: `npm start` idles
 * ~90 MiB higher on a fresh data folder than on a restart). Costs about 3 s, on the first start only.
 */
async function initPgliteApart(dir: string, startParams: string[]): Promise<void> {
  const script = fileURLToPath(new URL('./pglite-init.mjs', import.meta.url));
  try {
    await promisify(execFile)(process.execPath, [script, dir, JSON.stringify(startParams)], { timeout: 120_000 });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new Error(`could not create the embedded database in ${dir}${stderr ? `: ${stderr.slice(-1_000)}` : ''}`);
  }
}

async function open(driver: DbDriver, opts: CreateDbOptions): Promise<DbHandle> {
  if (driver === 'pglite') {
    const url = opts.url ?? '';
    const dir = url.startsWith('memory:') ? undefined : url.replace(/^pglite:/, '') || opts.dataDir;
    // PostgreSQL's default 128 MB of shared buffers is sized for a server; one embedded user's data
    // fits in far less, and every page of it stays resident (issue 21: `npm start` idle memory).
    const startParams = ['-c', 'shared_buffers=16MB'];
    if (dir && !existsSync(join(dir, 'PG_VERSION'))) await initPgliteApart(dir, startParams);
    // In its own thread (pglite-remote.ts), spoken to by node-postgres as a server would be: the
    // hot statements (preparedQuery) are parsed and planned once per process, as on PostgreSQL, and
    // PGlite runs the same driver code as the cloud. One session, as PGlite has one: statements
    // outside a transaction are pipelined into it, a transaction has it to itself.
    const [{ default: pg }, { startPgliteThread, PgliteThreadConnection, PgliteSessionPool }, { drizzle }] = await Promise.all([
      import('pg'),
      import('./pglite-remote'),
      import('drizzle-orm/node-postgres'),
    ]);
    const thread = await startPgliteThread(dir, startParams);
    const pool = new PgliteSessionPool(
      () => new pg.Client({ user: 'postgres', database: 'postgres', pipeline: true, connection: new PgliteThreadConnection(thread) } as ClientConfig),
    );
    survivesLostConnections(pool);
    return {
      // Drizzle asks of a pool only query(), and connect() and release() for a transaction.
      db: asDb(drizzle(pool as unknown as Pool, { schema })),
      driver,
      pglite: embeddedCalls(pool),
      close: async () => {
        await pool.end();
        await thread.close();
      },
    };
  }
  if (driver === 'pg') {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    survivesLostConnections(pool);
    waitsForTheServer(pool, opts.waitForDatabaseMs ?? DEFAULT_WAIT_FOR_DATABASE_MS);
    return { db: asDb(drizzle(pool, { schema })), driver, close: () => pool.end() };
  }
  const { Pool, neonConfig } = await import('@neondatabase/serverless');
  const { drizzle } = await import('drizzle-orm/neon-serverless');
  if (typeof WebSocket === 'undefined') neonConfig.webSocketConstructor = (await import('ws')).default;
  const pool = new Pool({ connectionString: opts.url, max: opts.poolSize ?? 5 });
  survivesLostConnections(pool);
  waitsForTheServer(pool, opts.waitForDatabaseMs ?? DEFAULT_WAIT_FOR_DATABASE_MS);
  return { db: asDb(drizzle(pool, { schema })), driver, close: () => pool.end() };
}

type ErrorEmitter = { on(event: 'error', fn: (err: Error) => void): unknown };

type NotifyingPool = {
  query(text: string): Promise<unknown>;
  on(event: 'connect', fn: (client: { on(event: 'notification', fn: (m: { channel: string; payload?: string }) => void): unknown }) => void): unknown;
};

/** exec and LISTEN over the pool: a notification reaches the client of the statement that caused it. */
function embeddedCalls(pool: NotifyingPool): EmbeddedPglite {
  const listeners = new Map<string, Set<(payload: string) => void>>();
  pool.on('connect', (client) =>
    client.on('notification', (m) => {
      for (const cb of listeners.get(m.channel) ?? []) cb(m.payload ?? '');
    }),
  );
  return {
    exec: (text) => pool.query(text),
    async listen(channel, cb) {
      listeners.set(channel, (listeners.get(channel) ?? new Set()).add(cb));
      await pool.query(`listen "${channel.replaceAll('"', '""')}"`);
    },
  };
}

/**
 * A lost connection (the server restarted, `pg_ctl stop -m fast`, a network cut) must not crash the
 * process. The pool listens on its idle clients and replaces them; a client checked out (a drizzle
 * transaction between two statements, or one whose query the server just ended) has no listener, so
 * pg's "Connection terminated unexpectedly" would be an unhandled 'error' event. The query in flight
 * rejects by itself, the next one on that client fails (reported to the caller as
 * database_unavailable), and the pool drops the dead client when it is released.
 */
function survivesLostConnections(pool: ErrorEmitter & { on(event: 'connect', fn: (client: ErrorEmitter) => void): unknown }): void {
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
}

type Connectable = {
  connect(): Promise<unknown>;
  connect(cb: (err: Error | undefined, client?: unknown, done?: unknown) => void): void;
};

/**
 * Makes the pool's connect (used by every query and transaction, in both its promise and callback
 * forms) try again while the server is unavailable, until `waitMs` has passed: a database that comes
 * back within that time costs the caller a delay, not a failure. Other errors (a wrong password)
 * fail at once.
 */
function waitsForTheServer(pool: Connectable, waitMs: number): void {
  if (waitMs <= 0) return;
  const connect = pool.connect.bind(pool) as () => Promise<{ release: unknown }>;
  const waiting = async () => {
    const deadline = Date.now() + waitMs;
    for (let pause = 100; ; pause = Math.min(pause * 2, 1_000)) {
      try {
        return await connect();
      } catch (err) {
        if (classifyDbError(err) !== 'unavailable' || Date.now() + pause > deadline) throw err;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  };
  pool.connect = ((cb?: (err: Error | undefined, client?: unknown, done?: unknown) => void) => {
    if (!cb) return waiting();
    waiting().then(
      (client) => cb(undefined, client, client.release),
      (err: Error) => cb(err),
    );
    return undefined;
  }) as Connectable['connect'];
}

/** Applies drizzle-kit's migrations; on a shared server an advisory lock keeps concurrent starts apart. */
export async function migrate(handle: DbHandle, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  const config = { migrationsFolder };
  if (handle.driver === 'pglite') {
    // One process owns a PGlite folder, so no lock; and on its one connection the migrator's own
    // transaction could not run inside ours.
    const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
    await run(handle.db as never, config);
    return;
  }
  const { sql } = await import('drizzle-orm');
  const lockId = 7_304_211;
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${lockId})`);
    if (handle.driver === 'pg') {
      const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
      await run(tx as never, config);
    } else {
      const { migrate: run } = await import('drizzle-orm/neon-serverless/migrator');
      await run(tx as never, config);
    }
  });
}
