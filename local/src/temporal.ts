import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { freePort } from './services/ports';
import { startProcess, type Managed } from './services/process';
import { FAIRNESS_DYNAMIC_CONFIG, findTemporalCli } from './services/temporal';

export type LocalTemporal = {
  address: string;
  uiUrl: string | null;
  /** How the server was obtained: the CLI found locally, or the Temporal SDK's cached download. */
  source: 'cli' | 'sdk-download';
  /** Process id of the CLI when we spawned it ourselves (the SDK manages its own). */
  pid: number | undefined;
  /** Calls back once if the server process dies on its own (not through stop()). */
  onUnexpectedExit: (cb: (detail: string) => void) => void;
  stop: () => Promise<void>;
};

export type LocalTemporalOptions = {
  /** SQLite file that keeps workflow histories across restarts. */
  dbFile: string;
  /** Ports to use when free (the usual 7233 / 8233, so bookmarks keep working); else any free port. */
  preferredPort?: number;
  preferredUiPort?: number;
  ui?: boolean;
  env?: NodeJS.ProcessEnv;
  /**
   * Force the SDK path with this binary instead of its download (tests prove that path offline).
   * Unset: the CLI when found, else the SDK's cached download.
   */
  sdkExecutablePath?: string;
  /** The Temporal UI's remote codec (the app's /api/temporal-codec): the UI shows decrypted payloads. */
  codecEndpoint?: string;
  /** How long the CLI may take to answer (default 3 minutes). */
  readyTimeoutMs?: number;
};

/**
 * `temporal server start-dev` on fixed ports with a persistent SQLite file. Like the test helper in
 * services/temporal.ts, but with a patient readiness wait: a first start on a busy laptop (or a
 * two-core CI box running builds) can take well over a minute.
 */
/**
 * The dev server's SQLite file in WAL mode with NORMAL sync: every commit no longer waits for a disk
 * flush (measured here: 33 → 47 workflow starts per second), and a crash of the process loses
 * nothing; only a power loss may drop the last transactions, an accepted trade for a dev server.
 */
const SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

type CliStart = { port: number; uiPort: number | undefined; dbFile: string; readyTimeoutMs: number; uiArgs: string[] };

/** The server quit before it answered; worth one more try (see startCli). */
class ExitedWhileStarting extends Error {}

/**
 * The CLI picks its internal ports (HTTP, metrics, membership) by probing for free ones and binding
 * later; another process can take one in between, and the server then panics at startup. A fresh
 * start picks new ones, so an early exit is retried twice before it is reported.
 */
async function startCli(cli: string, o: CliStart): Promise<Managed> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCliOnce(cli, o);
    } catch (e) {
      if (!(e instanceof ExitedWhileStarting) || attempt === 3) throw e;
    }
  }
}

async function startCliOnce(cli: string, o: CliStart): Promise<Managed> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--db-filename',
    o.dbFile,
    '--log-level',
    'error',
    ...SQLITE_PRAGMAS,
    ...FAIRNESS_DYNAMIC_CONFIG,
  ];
  if (o.uiPort) args.push('--ui-port', String(o.uiPort), ...o.uiArgs);
  else args.push('--headless');
  const proc = startProcess(cli, args);
  const address = `127.0.0.1:${o.port}`;
  const deadline = Date.now() + o.readyTimeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new ExitedWhileStarting(`the Temporal dev server exited while starting (${proc.child.exitCode ?? proc.child.signalCode}):\n${proc.output()}`);
    if (await answers(address)) break;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`the Temporal dev server did not answer within ${o.readyTimeoutMs} ms:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return proc;
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

/** True when nothing listens on 127.0.0.1:port right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function pickPort(preferred: number | undefined): Promise<number> {
  if (preferred && (await isPortFree(preferred))) return preferred;
  return freePort();
}

/**
 * `temporal server start-dev` with its SQLite file in the data folder. The CLI comes from
 * TEMPORAL_CLI_PATH or PATH; without one, the Temporal SDK downloads the same CLI into its cache
 * (needs internet once), so a fresh machine still starts with no setup.
 */
export async function startLocalTemporal(opts: LocalTemporalOptions): Promise<LocalTemporal> {
  const ui = opts.ui ?? true;
  const port = await pickPort(opts.preferredPort ?? 7233);
  const uiPort = ui ? await pickPort(opts.preferredUiPort ?? 8233) : undefined;
  const cli = opts.sdkExecutablePath ? undefined : findTemporalCli(opts.env ?? process.env);
  const uiArgs = opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : [];
  // `localhost`, like the app's URL: the UI and the app are then the same site, so the session
  // cookie (SameSite=Lax) goes along with the UI's calls to the codec endpoint.
  const uiUrl = uiPort ? `http://localhost:${uiPort}` : null;
  if (cli) {
    const proc = await startCli(cli, { port, uiPort, dbFile: opts.dbFile, readyTimeoutMs: opts.readyTimeoutMs ?? 180_000, uiArgs });
    const address = `127.0.0.1:${port}`;
    let stopping = false;
    return {
      address,
      uiUrl,
      source: 'cli',
      pid: proc.child.pid,
      onUnexpectedExit: (cb) =>
        proc.child.once('exit', (code, signal) => {
          if (!stopping) cb(`exited with ${signal ?? `code ${code}`}: ${proc.output().slice(-2_000)}`);
        }),
      async stop() {
        stopping = true;
        await proc.stop();
      },
    };
  }
  // Loaded only on this path: it pulls in the native bridge and is not needed with a CLI at hand.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port,
      dbFilename: opts.dbFile,
      ui,
      ...(uiPort ? { uiPort } : {}),
      log: { format: 'pretty', level: 'error' },
      extraArgs: [...SQLITE_PRAGMAS, ...FAIRNESS_DYNAMIC_CONFIG, ...(uiPort ? uiArgs : [])],
      executable: opts.sdkExecutablePath ? { type: 'existing-path', path: opts.sdkExecutablePath } : { type: 'cached-download' },
    },
  });
  return {
    address: env.address,
    uiUrl,
    source: 'sdk-download',
    pid: undefined,
    // The SDK owns that process and reports no exit; a dead server shows up as worker errors.
    onUnexpectedExit: () => {},
    stop: () => env.teardown(),
  };
}
