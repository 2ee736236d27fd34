import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = { path: string; method: string; headers: IncomingHttpHeaders; body: string };

/**
 * A real HTTP endpoint for outgoing webhooks. `/fail-until-ok` answers 500 until `heal()` is
 * called, so a run can fail and then succeed on retry.
 */
export async function startReceiver() {
  const received: Received[] = [];
  let healed = false;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', method: req.method ?? 'GET', headers: req.headers, body });
      const fail = req.url?.startsWith('/fail-until-ok') && !healed;
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(fail ? { error: 'not yet' } : { ok: true, path: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    heal: () => {
      healed = true;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
