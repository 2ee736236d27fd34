import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutocannon } from '../src/load/autocannon';

// A real HTTP server and the real autocannon process: the parsing and error counting the bench relies on.
let server: Server;
let base: string;
let served = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      served++;
      res.statusCode = req.url === '/refuse' ? 429 : req.url === '/fail' ? 500 : 202;
      res.setHeader('content-type', 'application/json');
      res.end('{"eventId":"x"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('runAutocannon', () => {
  it('counts 2xx answers per second and no errors when all are accepted', async () => {
    const r = await runAutocannon({ url: `${base}/ok`, concurrency: 4, durationSec: 1, body: '{"n":1}' });
    expect(r.ok).toBeGreaterThan(50);
    expect(r.ok).toBeLessThanOrEqual(served);
    expect(r.errors).toBe(0);
    expect(r.okPerSec).toBeCloseTo(r.ok / r.durationSec, 6);
    expect(r.latencyMs.max).toBeGreaterThanOrEqual(r.latencyMs.p50);
  });

  it('counts 429 refusals apart from errors, and other non-2xx answers as errors', async () => {
    const refused = await runAutocannon({ url: `${base}/refuse`, concurrency: 2, durationSec: 1, body: '{}', zeroIsError: false });
    expect(refused.ok).toBe(0);
    expect(refused.refused).toBeGreaterThan(10);
    expect(refused.errors).toBe(0);
    const failed = await runAutocannon({ url: `${base}/fail`, concurrency: 2, durationSec: 1, body: '{}', zeroIsError: false });
    expect(failed.refused).toBe(0);
    expect(failed.errors).toBeGreaterThan(10);
  });

  it('refuses to load anything but 127.0.0.1', () => {
    expect(() => runAutocannon({ url: 'http://example.com/x', concurrency: 1, durationSec: 1, body: '{}' })).toThrow(/127\.0\.0\.1/);
  });
});
