import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The outside world of the soak: an HTTP endpoint the workflows' send_webhook calls. It counts
 * deliveries per Idempotency-Key (a retry of the same effect) and the keys per event (two keys
 * for one event would mean the effect ran twice under two different runs).
 */
export type Sink = {
  url: string;
  deliveries: number;
  byKey: Map<string, number>;
  keysByEvent: Map<string, Set<string>>;
  /** Requests without an Idempotency-Key (should be none). */
  withoutKey: number;
  close(): Promise<void>;
};

/** `onDelivery` hears each effect as it arrives (the steady-state run times them). */
export async function startSink(onDelivery?: (event: string) => void): Promise<Sink> {
  const sink: Omit<Sink, 'url' | 'close'> = { deliveries: 0, byKey: new Map(), keysByEvent: new Map(), withoutKey: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      if (body.length < 10_000) body += d;
    });
    req.on('end', () => {
      sink.deliveries++;
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string') sink.withoutKey++;
      else {
        sink.byKey.set(key, (sink.byKey.get(key) ?? 0) + 1);
        let event = 'unknown';
        try {
          const parsed = JSON.parse(body) as { event?: unknown };
          if (typeof parsed.event === 'string' || typeof parsed.event === 'number') event = String(parsed.event);
        } catch {
          /* counted under "unknown" */
        }
        const set = sink.keysByEvent.get(event) ?? new Set<string>();
        set.add(key);
        sink.keysByEvent.set(event, set);
        onDelivery?.(event);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `http://127.0.0.1:${port}/effect`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  }) as Sink;
}
