import type { TestProject } from 'vitest/node';
import { startMoto } from '../services/moto';
import { startPostgres } from '../services/postgres';
import { startTemporalDevServer } from '../services/temporal';

/**
 * Starts the real services once per test run and hands their addresses to every test file
 * through the environment: TEST_DATABASE_URL (a server to create databases on),
 * TEMPORAL_ADDRESS, SQS_ENDPOINT. Preset variables are used as they are.
 */
export default async function setup(_project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  const started = await Promise.all([
    process.env.TEST_DATABASE_URL ? null : startPostgres(),
    process.env.TEST_TEMPORAL_ADDRESS ? null : startTemporalDevServer(),
    process.env.TEST_SQS_ENDPOINT ? null : startMoto(),
  ]);
  const [pgServer, temporal, moto] = started;
  if (pgServer) {
    process.env.TEST_DATABASE_URL = pgServer.url;
    stops.push(pgServer.stop);
  }
  if (temporal) {
    process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
    stops.push(temporal.stop);
  }
  if (moto) {
    process.env.TEST_SQS_ENDPOINT = moto.endpoint;
    stops.push(moto.stop);
  }
  return async () => {
    await Promise.all(stops.map((s) => s()));
  };
}
