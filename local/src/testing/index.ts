/**
 * What other workspaces' tests, the bench and the reliability suite take from the local stack, as
 * `@conduit/local/testing`: a migrated test database, the addresses global-setup started, and the
 * real services (PostgreSQL, Temporal dev server, moto, ElasticMQ) for harnesses that start their own.
 */
export { createTestDb, TEST_DB_KINDS, type TestDbKind } from './db';
export { testEnv } from './env';
export { freePort } from '../services/ports';
export { createDatabase, PG_BIN, startPostgres, type PostgresServer } from '../services/postgres';
export { findTemporalCli, startTemporalDevServer, type TemporalDevServer } from '../services/temporal';
export { startMoto } from '../services/moto';
export { fetchElasticMq, startElasticMq } from '../services/elasticmq';
