import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client';

/**
 * A hot query built once per database handle and sent as a named prepared statement. Building a
 * drizzle query (and parsing it on the server) costs more CPU than running it: about 0.5 ms against
 * 0.2 ms on the 2-core bench machine, paid on every request and every run start. Use it for queries
 * on the trigger and request paths; the rest stay plain builders.
 *
 * `build` must produce the same SQL every time (values only through `sql.placeholder`), since the
 * name identifies the statement on each connection. A transaction handle gets its own copy.
 */
export function preparedQuery<P>(name: string, build: (db: DbOrTx, name: string) => P): (db: DbOrTx) => P {
  const byDb = new WeakMap<DbOrTx, P>();
  return (db) => {
    let q = byDb.get(db);
    if (!q) {
      q = build(db, name);
      byDb.set(db, q);
    }
    return q;
  };
}

/** A prepared hand-written statement; answers the driver's raw result (read it with rowsOf / affectedRowsOf). */
export type PreparedSql = { execute(values: Record<string, unknown>): Promise<unknown> };

const dialect = new PgDialect();

/**
 * preparedQuery for a statement the builders cannot express (data-modifying CTEs, jsonb_to_recordset
 * batches): written once with `sql`, values only through `sql.placeholder`, compiled once, and
 * parsed and planned once per connection by PostgreSQL instead of on every call.
 */
export function preparedSql(name: string, statement: SQL): (db: DbOrTx) => PreparedSql {
  const query = dialect.sqlToQuery(statement);
  return preparedQuery(name, (db) => db._.session.prepareQuery(query, undefined, name, false));
}
