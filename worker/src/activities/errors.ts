import { StepError } from './types';

/**
 * Which failures are worth another attempt. A StepError says so itself; otherwise only errors known
 * to be transient are retried (the network, PostgreSQL connection loss, serialization failures and
 * deadlocks). Anything else (a TypeError, a RangeError: a bug or a case nobody handled) would fail
 * the same way again, so it fails the step at once instead of burning its retries.
 */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** serialization_failure, deadlock_detected, admin/crash shutdown, cannot_connect_now, too_many_connections; class 08 is added below. */
const PG_CODES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300']);
/** node-postgres reports a lost or refused connection by message only. */
const PG_CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/i;

/** True for errors known to be transient, looking through wrappers (drizzle puts the driver's error in `cause`). */
export function isTransient(err: unknown): boolean {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (cur instanceof AggregateError && cur.errors.some(isTransient)) return true;
    if (cur instanceof Error && PG_CONNECTION_LOST.test(cur.message)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** The error a handler threw, as the step's error: StepError as it is, transient ones retryable, the rest final. */
export function asStepError(err: unknown): StepError {
  if (err instanceof StepError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (isTransient(err)) return new StepError(message, true);
  const kind = err instanceof Error ? err.name : typeof err;
  return new StepError(`unexpected ${kind}: ${message} (not retried: an error that is not known to be transient)`);
}
