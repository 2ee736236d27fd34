import { classifyDbError } from '@conduit/core/db';
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
/** serialization_failure, deadlock_detected: the transaction lost a race, another attempt can win. */
const PG_RACE_CODES = new Set(['40001', '40P01']);

/**
 * True for errors known to be transient, looking through wrappers (drizzle puts the driver's error in
 * `cause`). The database's own failures (unreachable, restarting, disk full until space returns) are
 * read by core's one classifier.
 */
export function isTransient(err: unknown): boolean {
  if (classifyDbError(err) !== null) return true;
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_RACE_CODES.has(code))) return true;
    if (cur instanceof AggregateError && cur.errors.some(isTransient)) return true;
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
