/**
 * PGlite in its own thread (client.ts, pglite-remote.ts). `npm start` runs the web server, the
 * dispatcher and the worker in one process; with PGlite on the same thread every statement's
 * WebAssembly work held up the webhook ingress. Here the database takes the process's second core.
 * It answers PostgreSQL wire-protocol bytes with wire-protocol bytes, in the order they came.
 * Plain JavaScript: it runs without a TypeScript loader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @type {{ dir: string | undefined; startParams: string[] }} PostgreSQL settings added to PGlite's defaults. */
const { dir, startParams } = workerData;
const options = { startParams: [...PGlite.defaultStartParams, ...startParams] };
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

const errorOf = (e) => ({
  message: e instanceof Error ? e.message : String(e),
  code: e && typeof e === 'object' && 'code' in e ? e.code : undefined,
});

let db;
try {
  db = dir ? new PGlite(dir, options) : new PGlite(options);
  await db.waitReady;
  port.postMessage({ kind: 'ready' });
} catch (e) {
  port.postMessage({ kind: 'failed', error: errorOf(e) });
  process.exit(1);
}

let queue = Promise.resolve();
port.on('message', (m) => {
  queue = queue.then(async () => {
    if (m.kind === 'close') {
      await db.close();
      port.postMessage({ id: m.id, data: null });
      port.close();
      return;
    }
    try {
      const data = await db.execProtocolRaw(m.data);
      port.postMessage({ id: m.id, data }, [data.buffer]);
    } catch (e) {
      port.postMessage({ id: m.id, error: errorOf(e) });
    }
  });
});
