import { sql } from '@conduit/core/testing';
import type { Db } from '@conduit/core/db';

/** Row count and a content hash per table: two equal snapshots mean nothing was written. */
export type DbSnapshot = Record<string, { rows: number; hash: string }>;

/**
 * Reads every table of the public schema (drizzle's own bookkeeping excluded). The hash is an md5
 * over the rows' text sorted, so it catches updates that keep the count the same. Works on
 * PostgreSQL and PGlite alike. A session's or key's last-seen time is not a write of the request
 * (it is touched by signing the request in, at most once a minute), so it is left out.
 */
export async function snapshotDb(db: Db): Promise<DbSnapshot> {
  const tables = await rows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const out: DbSnapshot = {};
  for (const { table_name: t } of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(t)) continue;
    const [r] = await rows<{ n: string | number; h: string | null }>(
      db,
      sql.raw(
        `select count(*) as n, md5(coalesce(string_agg(x.t, '|' order by x.t), '')) as h from (select (to_jsonb(r) - 'last_seen_at' - 'last_used_at')::text as t from "${t}" r) x`,
      ),
    );
    out[t] = { rows: Number(r?.n ?? 0), hash: r?.h ?? '' };
  }
  return out;
}

/** Tables whose count or hash differ between two snapshots. */
export function diffSnapshots(a: DbSnapshot, b: DbSnapshot): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => a[n]?.rows !== b[n]?.rows || a[n]?.hash !== b[n]?.hash).sort();
}

async function rows<T>(db: Db, q: ReturnType<typeof sql> | ReturnType<typeof sql.raw>): Promise<T[]> {
  const res = (await db.execute(q)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(res) ? res : (res.rows ?? []);
}
