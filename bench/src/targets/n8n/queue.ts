import { createDatabase } from '@conduit/local/testing';
import { startRedis } from '../redis';
import type { N8nInstall } from './install';
import { startN8n, type N8nServer } from './server';

export type N8nQueue = N8nServer & { redisPid: number | undefined };

/**
 * n8n in queue mode, the set-up its users run when runs must survive a crash: a fresh Redis, a
 * fresh database on the bench's PostgreSQL server, one main process and one worker.
 */
export async function startN8nQueue(install: N8nInstall, redisBin: string, pgServerUrl: string, log: (s: string) => void): Promise<N8nQueue> {
  const redis = await startRedis(redisBin);
  try {
    const databaseUrl = await createDatabase(pgServerUrl, 'bench_n8n');
    const server = await startN8n(install, log, { redis, databaseUrl });
    return {
      ...server,
      redisPid: redis.pid,
      async stop() {
        await server.stop();
        await redis.stop();
      },
    };
  } catch (e) {
    await redis.stop();
    throw e;
  }
}
