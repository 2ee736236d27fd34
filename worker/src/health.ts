import { createServer, type Server } from 'node:http';

/**
 * The container's liveness endpoint: GET /healthz answers 200 while the worker runs. It never asks
 * Temporal or the database, so an outage of either does not get healthy tasks replaced (they
 * reconnect on their own); a hung event loop or a stopped worker fails it.
 */
export async function startHealthServer(port: number, isRunning: () => boolean): Promise<Server> {
  const server = createServer((req, res) => {
    const ok = req.url === '/healthz' && isRunning();
    res.writeHead(req.url === '/healthz' ? (ok ? 200 : 503) : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // All interfaces: the ECS/Docker health check runs inside the task, but a sidecar may probe too.
    server.listen(port, resolve);
  });
  server.unref();
  return server;
}
