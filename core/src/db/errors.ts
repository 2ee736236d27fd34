/**
 * The one place that says what a database failure means for the caller. The API's error handler, the
 * webhook ingress and the worker's retry rule all read it, so a refused connection or a full disk is
 * recognised the same way everywhere, whichever driver (pg, Neon, PGlite) raised it.
 *
 * - `disk_full`: the server (or PGlite's data folder) has no space left; writes fail until space returns.
 * - `unavailable`: the database cannot be reached or is shutting down/starting up; a retry shortly may work.
 * - `null`: anything else (a constraint, a bug): not the database's health, so not answered as such.
 */
export type DbFailure = 'disk_full' | 'unavailable';

/** PostgreSQL's disk_full, and the file system's own codes when PGlite writes its data folder. */
const DISK_FULL_CODES = new Set(['53100', 'ENOSPC', 'EDQUOT']);
/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; class 08 (connection exceptions) below. */
const UNAVAILABLE_PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** The socket-level codes a lost or refused connection to the server carries. */
const UNAVAILABLE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** node-postgres reports a lost, refused or timed-out connection by message only. */
const CONNECTION_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused|terminating connection due to administrator command|the database system is (shutting down|starting up))/i;
/** PGlite (and PostgreSQL's own messages) name a full disk in words when no code travels with it. */
const NO_SPACE = /no space left on device|could not extend file|disk quota exceeded/i;

/** What a thrown database error means, looking through wrappers (drizzle puts the driver's error in `cause`). */
export function classifyDbError(err: unknown): DbFailure | null {
  let unavailable = false;
  const seen = new Set<unknown>();
  const visit = (cur: unknown, depth: number): DbFailure | null => {
    if (!cur || typeof cur !== 'object' || depth > 6 || seen.has(cur)) return null;
    seen.add(cur);
    const code = (cur as { code?: unknown }).code;
    const message = cur instanceof Error ? cur.message : '';
    if ((typeof code === 'string' && DISK_FULL_CODES.has(code)) || NO_SPACE.test(message)) return 'disk_full';
    if (typeof code === 'string' && (UNAVAILABLE_PG_CODES.has(code) || UNAVAILABLE_NET_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) unavailable = true;
    if (CONNECTION_LOST.test(message)) unavailable = true;
    if (cur instanceof AggregateError) {
      for (const e of cur.errors) if (visit(e, depth + 1) === 'disk_full') return 'disk_full';
    }
    return visit((cur as { cause?: unknown }).cause, depth + 1);
  };
  // A full disk wins over a connection error further down: it is what the operator must fix.
  return visit(err, 0) ?? (unavailable ? 'unavailable' : null);
}

/** The answer a caller gets for a database failure: status 503, a code, words a person understands, and when to retry. */
export type DbFailureReply = { status: 503; code: 'disk_full' | 'database_unavailable'; message: string; retryAfterSeconds: number };

export function dbFailureReply(kind: DbFailure): DbFailureReply {
  if (kind === 'disk_full')
    return {
      status: 503,
      code: 'disk_full',
      message: "The server's disk is full, so nothing can be saved right now. Nothing was changed; try again once space has been freed.",
      retryAfterSeconds: 60,
    };
  return {
    status: 503,
    code: 'database_unavailable',
    message: 'The database cannot be reached right now, so nothing was changed. Try again in a few seconds.',
    retryAfterSeconds: 5,
  };
}
