/**
 * For tests, test fixtures and the reliability suite only: the tables and the drizzle operators, to
 * set up rows and assert what was stored. Production code goes through `@conduit/core/domain`
 * (core/test/boundaries.test.ts fails when it imports this entry or drizzle-orm).
 */
export * from '../db/schema';
export * as schema from '../db/schema';
export type { Db, DbHandle, DbOrTx } from '../db/client';
export { and, asc, desc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
