import { and, eq, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { isUuid } from './ids';

/**
 * Keyset pagination over (timestamp, id), newest first, for every list the API pages: the cursor
 * names the page's last row. Its time travels as PostgreSQL's own text of the column, microseconds
 * and all: as a JS Date (milliseconds) it skipped the rows of the same millisecond that came after
 * the page's last one, as runs and events arriving together do.
 */
export type Page<T> = { items: T[]; nextCursor: string | null };
type Cursor = { at: string; id: string };

/** Select this beside a list's columns: the row's time as the cursor carries it. */
export const cursorAt = (column: AnyColumn) => sql<string>`${column}::text`;

// PostgreSQL's ISO output ("2026-12-08 03:50:01.123456+00", without the zone for a timestamp
// column); ISO 8601 from earlier cursors passes too.
const TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** The condition for the rows after the cursor; undefined (start over) for none or one that does not parse. */
export function afterCursor(at: AnyColumn, id: AnyColumn, cursor: string | null | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const [time, key, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!time || !key || rest.length > 0 || !isUuid(key) || !TIME.test(time)) return undefined;
  // Checked here, so that a day 45 never reaches the database as a cast error.
  if (Number.isNaN(Date.parse(time.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')))) return undefined;
  const c: Cursor = { at: time, id: key };
  // An untyped parameter, not the column's (which wants a Date): PostgreSQL reads the text as the
  // column's own type, timestamp or timestamptz.
  const time$ = sql`${c.at}`;
  return or(lt(at, time$), and(eq(at, time$), lt(id, c.id)));
}

/** The page of `limit` rows out of the `limit + 1` asked for, with the cursor after its last row. */
export function pageOf<R extends { cursorAt: string }, T>(rows: R[], limit: number, id: (r: R) => string, item: (r: R) => T): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(item),
    nextCursor: rows.length > limit && last ? Buffer.from(`${last.cursorAt}|${id(last)}`).toString('base64url') : null,
  };
}
