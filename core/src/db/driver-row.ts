import { getTableColumns, type InferSelectModel } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * A table's row from a raw statement (`to_jsonb(row)`, or a driver row keyed by column name),
 * mapped through the table's own column definitions (names, timestamps, JSON), as a drizzle query
 * would have returned it. For the few hot statements written in SQL (see updateRecord).
 */
export function rowFromDriver<T extends PgTable>(table: T, raw: Record<string, unknown>): InferSelectModel<T> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as InferSelectModel<T>;
}

/** db.execute answers { rows } on pg, PGlite and Neon; an array on some drivers. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Rows a write touched: node-postgres and Neon say rowCount, PGlite affectedRows. */
export function affectedRowsOf(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
}
