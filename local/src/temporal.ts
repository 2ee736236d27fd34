import { createServer } from 'node:net';
import { freePort } from './services/ports';
import { FAIRNESS_DYNAMIC_CONFIG, findTemporalCli, spawnDevServer } from './services/temporal';

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
 * The dev server's SQLite file in WAL mode with NORMAL sync: every commit no longer waits for a disk
 * flush (measured here: 33 → 47 workflow starts per second), and a crash of the process loses
 * nothing; only a power loss may drop the last transactions, an accepted trade for a dev server.
 */
const SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

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
 * (needs internet once), so a fresh machine still starts with no setup. The wait is patient (3
 * minutes by default): a first start on a busy laptop or a two-core CI box can take over a minute.
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
    const args = [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--db-filename',
      opts.dbFile,
      '--log-level',
      'error',
      ...SQLITE_PRAGMAS,
      ...FAIRNESS_DYNAMIC_CONFIG,
      ...(uiPort ? ['--ui-port', String(uiPort), ...uiArgs] : ['--headless']),
    ];
    // The same ports on every try: they were free, and a bookmark of 7233 / 8233 keeps working.
    const { proc, address } = await spawnDevServer(cli, async () => ({ args, address: `127.0.0.1:${port}` }), opts.readyTimeoutMs ?? 180_000);
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
