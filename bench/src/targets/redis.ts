import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '@conduit/local/testing';
import { Fatal, pollUntil } from '../bounded';
import { onCleanup } from '../cleanup';
import { spawnGroup } from '../proc';

export type Redis = { host: string; port: number; pid: number | undefined; stop: () => Promise<void> };

/** redis-server from REDIS_SERVER or PATH (Debian: `apt-get install redis-server`); undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  const candidates = [process.env.REDIS_SERVER, ...(process.env.PATH ?? '').split(delimiter).map((d) => d && join(d, 'redis-server'))];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/**
 * A throwaway Redis for n8n's queue mode: its own port on 127.0.0.1 and data folder, Redis's
 * default persistence otherwise (what a plain install runs). Stopped by process group.
 */
export async function startRedis(bin: string): Promise<Redis> {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-bench-redis-'));
  const port = await freePort();
  const proc = spawnGroup(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no'], { cwd: dir });
  const forget = onCleanup(() => proc.stop(3_000));
  const stop = async () => {
    forget();
    await proc.stop(5_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil(
      'redis-server ready',
      async () => {
        if (proc.child.exitCode !== null) throw new Fatal(`redis-server exited ${proc.child.exitCode}: ${proc.output().slice(-500)}`);
        return proc.output().includes('Ready to accept connections') ? true : undefined;
      },
      { ms: 30_000, intervalMs: 100 },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { host: '127.0.0.1', port, pid: proc.child.pid, stop };
}
