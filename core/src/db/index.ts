// Opening the database, for code outside the domain: the tables and the query helpers are not
// exported here. Persistence goes through `@conduit/core/domain`; tests read tables through
// `@conduit/core/testing` (core/test/boundaries.test.ts keeps it so).
export { createDb, driverFor } from './client';
export { withDbLock } from './lock';
export type { CreateDbOptions, Db, DbDriver, DbHandle, DbOrTx, Tx } from './client';
export { rowsOf } from './driver-row';
export { classifyDbError, dbFailureReply } from './errors';
export type { DbFailure, DbFailureReply } from './errors';
