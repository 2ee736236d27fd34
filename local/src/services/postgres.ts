import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitFor } from './ports';
import { startProcess } from './process';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type PostgresServer = {
  url: string;
  stop: () => Promise<void> /** The process started (runuser as root, else postgres itself). */;
  pid: number | undefined;
  /**
   * Stops the server as an operator would (`pg_ctl stop -m fast`: sessions are terminated, 57P01)
   * and keeps its data folder; start() brings it back on the same port. For restart-fault tests.
   */
  shutdown: () => Promise<void>;
  start: () => Promise<void>;
};

/**
 * A throwaway PostgreSQL cluster in a temp folder (trust auth, loopback only). As root, the
 * server runs as the `postgres` user, since PostgreSQL refuses to run as root. Tests skip fsync for
 * speed; `durable: true` keeps PostgreSQL's defaults (every commit flushed), as the bench needs.
 */
export async function startPostgres(
  opts: { durable?: boolean /** Load pg_stat_statements (the bench counts statements per run). */; statements?: boolean } = {},
): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) =>
    asRoot ? (['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] as const) : ([join(PG_BIN, bin), args] as const);
  const [initCmd, initArgs] = run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  execFileSync(initCmd, [...initArgs], { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = run('postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    '-c',
    'max_connections=300',
    ...(opts.statements ? ['-c', 'shared_preload_libraries=pg_stat_statements'] : []),
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const launch = async () => {
    const p = startProcess(cmd, [...args]);
    await waitFor('PostgreSQL', async () => {
      if (p.child.exitCode !== null) throw new Error(p.output());
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.end();
      return true;
    });
    return p;
  };
  let proc = await launch();
  return {
    url,
    get pid() {
      return proc.child.pid;
    },
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async shutdown() {
      const exited = new Promise<void>((r) => (proc.child.exitCode !== null ? r() : proc.child.once('exit', () => r())));
      const [ctl, ctlArgs] = run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
      execFileSync(ctl, [...ctlArgs], { stdio: 'pipe' });
      await exited;
    },
    async start() {
      proc = await launch();
    },
  };
}

/** A fresh, empty database on a server, so test files never see each other's rows. */
export async function createDatabase(serverUrl: string, prefix = 't'): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`create database "${name}"`);
  } finally {
    await c.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
