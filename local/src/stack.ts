import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig, type Config } from '@conduit/core/config';
import { secretBoxFromConfig } from '@conduit/core/crypto';
import { dbPayloadStore, migrateLiteralCredentials } from '@conduit/core/domain';
import { TEMPORAL_CODEC_PATH, temporalDataConverter } from '@conduit/core/temporal-codec';
import { temporalConnection } from '@conduit/core/temporal-connection';
import { createDb, type DbHandle } from '@conduit/core/db';
import { createEventQueue, startSqsConsumer, type EventQueue, type SqsQueue } from '@conduit/core/events';
import { startTracing } from '@conduit/core/tracing';
import { tracingClientInterceptors } from '@conduit/functions/deps';
import { createDispatcher, createSweeper } from '@conduit/functions/dispatch/index';
import { createRetentionJob } from '@conduit/functions/retention';
import { createRunPromoter, createRunStarter, quotaWarningMailer, type RunPromoter } from '@conduit/functions/runs/index';
import { createMailer } from '@conduit/core/mail';
import { createScheduleSync } from '@conduit/functions/schedules/index';
import { createWorker } from '@conduit/worker';
import { slotEvents } from '@conduit/worker/promotion';
import { buildApi, type DemoLogin } from './api';
import { ensureDataDir, loadOrCreateEncryptionKey } from './data-dir';
import { loadLocalEnv } from './local-env';
import { stackLogger, type StackLogger } from './log';
import { startLocalTemporal, type LocalTemporal } from './temporal';
import { ensureWebBuild } from './web-build';
import { cachedWorkflowBundle } from './workflow-bundle';

export type StackOptions = {
  /** Environment to read settings from (default process.env); the options below win over it. */
  env?: Record<string, string | undefined>;
  /** DATA_DIR: PGlite, Temporal's SQLite file, the generated key. */
  dataDir?: string;
  /** PORT; 0 picks a free port. */
  port?: number;
  host?: string;
  /** DATABASE_URL: postgres:// for a real server; default PGlite in the data folder. */
  databaseUrl?: string;
  /** Reuse a running Temporal server (no dev server is started). */
  temporalAddress?: string;
  temporalNamespace?: string;
  smtpUrl?: string;
  /** Serve the web app: true builds web/dist when stale (default SERVE_WEB), false serves none, a path serves that folder. */
  web?: boolean | string;
  sweepIntervalMs?: number;
  /**
   * false: events are stored and left in the outbox (no dispatcher, no sweeper), as when the
   * ingress runs on its own; the bench uses it to measure the ingress alone. Default true.
   */
  dispatch?: boolean;
  logLevel?: Config['LOG_LEVEL'];
  /** Called when a part dies while the stack runs (the Temporal dev server, the worker). */
  onFatal?: (err: Error) => void;
  /** Aborting while starting stops whatever has started, and startStack rejects. */
  signal?: AbortSignal;
};

export type Stack = {
  url: string;
  temporalUiUrl: string | null;
  temporalAddress: string;
  /** The demo workspace admin (seeded on the first start, same login afterwards). */
  login: DemoLogin;
  config: Config;
  /** pid of the Temporal dev server when this stack spawned it. */
  temporalPid: number | undefined;
  /** The stack's own database handle, for tools running the stack in-process (the bench watches runs finish on the embedded PGlite). */
  database: DbHandle;
  stop: () => Promise<void>;
};

/** The node adapter's bindings (incoming socket) travel with the request, for client addresses. */
type Fetch = (req: Request, env?: unknown) => Response | Promise<Response>;
type NodeHandler = (req: IncomingMessage, res: ServerResponse) => boolean;
type Closer = { name: string; close: () => Promise<void> };
const HTTP = 'HTTP server';

/**
 * The whole product in one process: database, Temporal (dev server unless one is given), worker,
 * dispatcher with its queue, outbox sweeper, schedules, API + webhook ingress + web app on one port.
 * Anything started is stopped again if a later part fails, so a failed start leaves no process behind.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const env = opts.env ?? process.env;
  const local = loadLocalEnv(env);
  const base = loadConfig(env);
  const log = stackLogger(opts.logLevel ?? base.LOG_LEVEL, 'stack');
  const closers: Closer[] = [];
  let stopping = false;
  const close = async (c: Closer) => {
    const t0 = Date.now();
    try {
      await withTimeout(c.close(), 20_000, c.name);
      log.debug(`stopped ${c.name} in ${Date.now() - t0} ms`);
    } catch (e) {
      log.warn(`stopping ${c.name} failed`, { error: message(e) });
    }
  };
  /** Every started part registers how to stop it; one that finishes starting after a stop is stopped at once. */
  const register = (name: string, fn: () => Promise<void>) => {
    const c = { name, close: fn };
    if (stopping) void close(c);
    else closers.push(c);
  };
  let stopped: Promise<void> | undefined;
  const stopAll = () =>
    (stopped ??= (async () => {
      stopping = true;
      // The port first (no new requests), then last started first stopped: the worker before the
      // database and Temporal.
      const all = closers.splice(0).reverse();
      const http = all.filter((c) => c.name === HTTP);
      for (const c of [...http, ...all.filter((c) => c.name !== HTTP)]) await close(c);
    })());
  // Checked between steps rather than acted on at once: stopping a part (a connection) while a
  // sibling is still being built on it can crash the native bridge.
  const aborted = () => {
    if (opts.signal?.aborted) throw new Error('start aborted');
  };
  const fatal = (what: string) => (e: unknown) => {
    if (stopping) return;
    const err = new Error(`${what}: ${message(e)}`);
    log.error(err.message);
    opts.onFatal?.(err);
  };

  try {
    installTemporalRuntime(opts.logLevel ?? base.LOG_LEVEL);
    const paths = ensureDataDir(opts.dataDir ?? base.DATA_DIR);
    const encryptionKey = base.ENCRYPTION_KEY ?? loadOrCreateEncryptionKey(paths.secretKey);

    // One port for everything; it answers 503 until the app is wired, so the URL is known early.
    let handler: Fetch = () => Response.json({ error: { code: 'starting', message: 'Conduit is starting' } }, { status: 503 });
    let hooks: NodeHandler = () => false;
    const host = opts.host ?? local.HOST;
    const server = await listen(
      (req, env) => handler(req, env),
      (req, res) => hooks(req, res),
      opts.port ?? base.PORT,
      host,
    );
    register(HTTP, () => closeServer(server));
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host}:${port}`;

    const externalTemporal = opts.temporalAddress ?? env.TEMPORAL_ADDRESS;
    const databaseUrl = opts.databaseUrl ?? base.DATABASE_URL;
    // The slow parts overlap: the dev server, the database (migrations) and the web build.
    const [temporal, dbHandle, staticDir] = await settleAll([
      externalTemporal
        ? Promise.resolve<LocalTemporal | null>(null)
        : startLocalTemporal({
            dbFile: paths.temporalDb,
            preferredPort: local.TEMPORAL_DEV_PORT,
            preferredUiPort: local.TEMPORAL_DEV_UI_PORT,
            env: { ...env, ...(local.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: local.TEMPORAL_CLI_PATH } : {}) },
            // Payloads are encrypted: the UI asks this app to decrypt them for a signed-in admin.
            codecEndpoint: `${url}${TEMPORAL_CODEC_PATH}`,
          }).then((t) => {
            register('Temporal dev server', t.stop);
            log.info(`Temporal dev server (${t.source === 'cli' ? 'CLI' : "SDK's download"}) on ${t.address}`);
            return t;
          }),
      createDb({ url: databaseUrl || paths.pglite, driver: base.DATABASE_DRIVER }).then((h: DbHandle) => {
        register('database', h.close);
        log.info(`database ready (${h.driver === 'pglite' ? `PGlite in ${paths.pglite}` : h.driver})`);
        return h;
      }),
      resolveWeb(opts.web ?? local.SERVE_WEB, log),
    ] as const);
    const temporalAddress = temporal?.address ?? externalTemporal!;
    const temporalUiUrl = temporal ? temporal.uiUrl : opts.temporalAddress && !env.TEMPORAL_UI_URL ? null : base.TEMPORAL_UI_URL;

    const config = loadConfig({
      ...env,
      DATA_DIR: paths.root,
      PORT: String(port),
      PUBLIC_URL: env.PUBLIC_URL ?? url,
      TEMPORAL_ADDRESS: temporalAddress,
      ...(temporalUiUrl ? { TEMPORAL_UI_URL: temporalUiUrl } : {}),
      ...(opts.temporalNamespace ? { TEMPORAL_NAMESPACE: opts.temporalNamespace } : {}),
      ENCRYPTION_KEY: encryptionKey,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...(opts.smtpUrl ? { SMTP_URL: opts.smtpUrl } : {}),
      ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
    });
    const { db } = dbHandle;
    // Registered before the parts that make spans, so it stops after them and sends their last spans.
    const tracing = await startTracing(config, 'conduit');
    if (tracing) {
      register('tracing', tracing.shutdown);
      log.info(`tracing: spans go to ${config.OTEL_EXPORTER_OTLP_ENDPOINT}`);
    }
    // The one secret box: the API seals and the ingress and the worker open with it.
    const secrets = secretBoxFromConfig(config);
    if (!secrets) throw new Error('ENCRYPTION_KEY missing: the stack generates one, so this is a bug');
    // Data migration (SQL cannot seal): literal credentials in old definitions move into secrets.
    const moved = await migrateLiteralCredentials(db, secrets, log);
    if (moved.secrets > 0) log.info('literal credentials moved into workspace secrets', moved);
    aborted();

    // One native connection for the worker and the client alike: a run started through it can be
    // handed straight to this process's worker (eager start), skipping a trip through matching.
    const connection = await NativeConnection.connect(temporalConnection(config).options);
    register('Temporal connection', () => connection.close());
    if (temporal) await ensureNamespace(connection, config.TEMPORAL_NAMESPACE);
    aborted();
    // Payloads encrypted with the key the worker uses (always set here: the stack generates one).
    const client = new Client({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(config, dbPayloadStore(db)),
      ...tracingClientInterceptors(config),
    });

    const mailer = await createMailer(config, db);
    register('mailer', async () => mailer.close());
    // Made below with the dispatcher (it needs the run starter); told of runs queued and ended.
    let promoter: RunPromoter | undefined;
    const runs = createRunStarter({
      db,
      temporal: client,
      eagerStart: true,
      concurrentStarts: config.RUN_START_CONCURRENCY,
      onQuotaWarning: quotaWarningMailer({ db, mailer, config, log }),
      onQueued: (workspaceId) => promoter?.queued(workspaceId),
    });
    const dispatcher = createDispatcher({ db, runs, config, log: stackLogger(config.LOG_LEVEL, 'dispatch') });
    const dispatch = opts.dispatch !== false;
    const queue: EventQueue = createEventQueue(config, dispatch ? dispatcher.handle : async () => {}, {
      onGiveUp: (m, e) => log.warn('dispatch gave up; the sweeper retries it', { eventId: m.eventId, error: message(e) }),
    });
    if (!dispatch) log.info('dispatch is off: accepted events stay in the outbox');
    else if (queue.kind === 'sqs') {
      const consumer = startSqsConsumer({
        queue: queue as SqsQueue,
        handler: dispatcher.handle,
        onError: (e) => log.warn('SQS poll failed', { error: message(e) }),
      });
      register('SQS consumer', consumer.stop);
    } else {
      queue.start?.();
      register('event queue', async () => queue.stop?.());
    }

    if (dispatch) {
      const sweeper = createSweeper({ db, queue, log });
      sweeper.start(opts.sweepIntervalMs ?? local.SWEEP_INTERVAL_MS);
      register('outbox sweeper', sweeper.stop);
      // Runs queued behind their workspace's concurrent-run limit start as their workspace's runs
      // end (the worker below tells it), and on a period for slots freed otherwise (a wait step).
      promoter = createRunPromoter({ db, runs, log });
      promoter.start(local.PROMOTE_INTERVAL_MS);
      register('queued-run promoter', promoter.stop);
    }

    const retention = createRetentionJob({ db, log });
    retention.start(local.RETENTION_INTERVAL_MS);
    register('retention job', retention.stop);

    const schedules = createScheduleSync({ db, temporal: client });

    // Bundling the workflow code takes seconds; the API and the schedules get ready meanwhile.
    const [worker, api] = await settleAll([
      local.RUN_WORKER
        ? cachedWorkflowBundle(undefined, (line) => log.info(line))
            .then((workflowBundle) =>
              createWorker({
                connection,
                db,
                queue,
                config,
                workflowBundle,
                logger: stackLogger(config.LOG_LEVEL, 'worker'),
                secrets,
                tracing,
                runEvents: slotEvents(() => promoter),
              }),
            )
            .then((w) => {
              register('Temporal worker', w.shutdown);
              return w;
            })
        : Promise.resolve(null),
      schedules.reconcile().then(async (reconciled) => {
        if (reconciled.synced || reconciled.removed) log.info('schedules reconciled', reconciled);
        return buildApi({ config, db, temporal: client, queue, runs, schedules, staticDir, log, secrets });
      }),
    ] as const);
    if (worker) {
      worker.run().catch(fatal('the Temporal worker stopped'));
      log.info(`worker polling task queue ${worker.taskQueue}`);
    } else log.info('no worker in this process (RUN_WORKER=false): runs start when a separate worker polls the task queue');
    handler = api.fetch;
    hooks = api.hooks;
    temporal?.onUnexpectedExit(fatal('the Temporal dev server stopped'));

    aborted();
    return {
      url,
      temporalUiUrl,
      temporalAddress,
      login: api.login,
      config,
      temporalPid: temporal?.pid,
      database: dbHandle,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * Like Promise.all, but waits for every part to settle before failing, so nothing started in
 * parallel is left running unregistered when its sibling fails (each part registers its closer).
 */
async function settleAll<const T extends readonly unknown[]>(parts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(parts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  // Sound: none was rejected, and the value at each position is the T[K] its promise was typed with.
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

let runtimeInstalled = false;
/** The Temporal SDK logs at INFO to stderr by default; keep it to warnings unless LOG_LEVEL=debug. */
function installTemporalRuntime(level: Config['LOG_LEVEL']): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const sdkLevel = level === 'debug' ? 'DEBUG' : level === 'info' ? 'WARN' : (level.toUpperCase() as 'WARN' | 'ERROR');
  try {
    Runtime.install({ logger: new DefaultLogger(sdkLevel) });
  } catch {
    // Already installed by someone else in this process (a test, the SDK test environment): keep theirs.
  }
}

async function resolveWeb(web: boolean | string, log: StackLogger): Promise<string | undefined> {
  if (typeof web === 'string') return web;
  if (!web) return undefined;
  const dir = await ensureWebBuild((line) => log.info(line));
  if (!dir) log.warn('no web app to serve (web/index.html is missing); the API runs on its own');
  return dir;
}

/** Webhooks are served straight from node:http (the hot path); everything else goes through Hono. */
function listen(fetch: Fetch, hooks: NodeHandler, port: number, hostname: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const app = getRequestListener(fetch, { hostname });
    const server = createServer((req, res) => {
      if (!hooks(req, res)) void app(req, res);
    });
    server.listen(port, hostname);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would hold close() open; requests in flight finish first.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}

/** The embedded dev server only creates `default`; another TEMPORAL_NAMESPACE is registered on first use. */
async function ensureNamespace(connection: Pick<NativeConnection, 'workflowService'>, namespace: string): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('7 days') });
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`${what} did not stop within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
