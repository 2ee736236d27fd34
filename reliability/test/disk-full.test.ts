import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer, type TemporalDevServer } from '@conduit/local/testing';
import { ask, sendUntilAccepted, sleep, type Answer } from '../src/faults/send';
import { startFaultStack, type FaultStack } from '../src/faults/stack';
import { startSink, type Sink } from '../src/soak/sink';
import { trackFamily } from '../src/testing/track';

/**
 * The disk under the local data folder fills up while the product runs as `npm start` runs it
 * (stack-child.ts: PGlite in the data folder). The folder sits on its own small tmpfs, filled with a
 * file until the file system refuses more; webhooks and API writes then get a clear 503 disk_full,
 * the process stays up, and once the file is removed the same process takes writes again, with the
 * data from before intact; a restart on the same folder opens cleanly.
 */
const MOUNT_MB = 256;

const rec = trackFamily({
  family: 'disk-full',
  title: 'Disk full under the local data folder',
  command: 'npx vitest run --project reliability test/disk-full.test.ts',
  notes: [
    `The product as \`npm start\` runs it (one process, PGlite in the data folder), the folder on a ${MOUNT_MB} MB tmpfs of its own. The disk is filled with a file until the file system refuses more; webhooks and API writes with 64 KB of incompressible data each (so every one needs new pages) are sent; the file is removed; the same process and then a restart on the same folder are checked.`,
  ],
});

const root = mkdtempSync(join(tmpdir(), 'conduit-disk-full-'));
/** Why the test cannot run here, if it cannot: mounting a tmpfs needs root (or CAP_SYS_ADMIN). */
let cannotMount: string | null = null;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_MB}m`, 'tmpfs', root], { stdio: 'pipe' });
} catch (e) {
  cannotMount = `mounting a tmpfs failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); the test needs root to put the data folder on a small file system`;
}
const dataDir = join(root, 'data');
const filler = join(root, 'filler');

let temporal: TemporalDevServer;
let sink: Sink;
let stack: FaultStack | undefined;

beforeAll(async () => {
  if (cannotMount) return;
  mkdirSync(dataDir);
  [temporal, sink] = await Promise.all([startTemporalDevServer(), startSink()]);
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([temporal?.stop(), sink?.close()]);
  if (!cannotMount) execFileSync('umount', [root], { stdio: 'pipe' });
  rmSync(root, { recursive: true, force: true });
});

/** Writes zeros into a file until the file system refuses more (dd stops at ENOSPC). */
function fillDisk() {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M'], { stdio: 'pipe' });
  } catch {
    /* dd exits 1 at "No space left on device": that is the point */
  }
  return Number(execFileSync('df', ['--output=avail', '-B1', root]).toString().split('\n')[1]);
}

const blob = () => randomBytes(48 * 1024).toString('base64');

describe.skipIf(cannotMount !== null)('disk full under the local data folder', () => {
  it('writes get 503 disk_full in words while it is full; the process stays up; after space returns it takes writes, data intact, and reopens cleanly', async () => {
    stack = await startFaultStack({ dataDir, temporalAddress: temporal.address, sinkUrl: sink.url });
    const s = stack;
    const auth = { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' };
    const recordsUrl = `${s.url}/api/workspaces/${s.workspaceId}/records/fault_note`;
    const answers: Answer[] = [];

    // Before: five events run to their effect, one record written through the API.
    for (let n = 0; n < 5; n++) expect(await sendUntilAccepted(s.url, s.hookId, n, answers, 5_000)).toBe(true);
    const before = await ask(recordsUrl, { method: 'POST', headers: auth, body: JSON.stringify({ data: { note: 'before the disk filled', n: 42 } }) });
    expect(before.status).toBe(201);
    const beforeRecord = (await (await fetch(`${recordsUrl}?limit=10`, { headers: auth })).json()) as { items?: Array<{ id: string }> };
    const beforeId = beforeRecord.items?.[0]?.id;
    expect(beforeId).toBeTruthy();
    const deadline0 = Date.now() + 30_000;
    while (sink.keysByEvent.size < 5 && Date.now() < deadline0) await sleep(100);
    expect(sink.keysByEvent.size).toBe(5);

    // Full.
    const avail = fillDisk();
    rec.set('bytes free after filling', avail);
    const fullHooks: Answer[] = [];
    const fullApi: Answer[] = [];
    for (let n = 100; n < 110; n++)
      fullHooks.push(
        await ask(`${s.url}/hooks/${s.hookId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `ev-${n}` },
          body: JSON.stringify({ n, blob: blob() }),
        }),
      );
    for (let i = 0; i < 3; i++)
      fullApi.push(await ask(recordsUrl, { method: 'POST', headers: auth, body: JSON.stringify({ data: { note: 'while full', blob: blob() } }) }));
    // Reads still work while the disk is full.
    const readWhileFull = await ask(`${recordsUrl}/${beforeId}`, { headers: auth });
    expect(s.exit(), 'the process stayed up while the disk was full').toBeNull();

    const diskFull = (a: Answer) => a.status === 503 && a.code === 'disk_full' && a.retryAfter !== null && /^The server's disk is full/.test(a.message ?? '');
    rec.set('webhooks sent while full', fullHooks.length);
    rec.set('of which 503 disk_full', fullHooks.filter(diskFull).length);
    rec.set('of which 202 (fitted in pages already there)', fullHooks.filter((a) => a.status === 202).length);
    rec.set('API writes while full: 503 disk_full', `${fullApi.filter(diskFull).length} of ${fullApi.length}`);
    rec.set('other answers while full', [...fullHooks, ...fullApi].filter((a) => !diskFull(a) && a.status !== 202 && a.status !== 201).length);
    rec.set('a read while full', readWhileFull.status);
    expect([...fullHooks, ...fullApi].filter((a) => !diskFull(a) && a.status !== 202 && a.status !== 201)).toEqual([]);
    expect(fullHooks.filter(diskFull).length).toBeGreaterThan(0);
    expect(fullApi.filter(diskFull).length).toBeGreaterThan(0);
    expect(readWhileFull.status).toBe(200);

    // Space returns: the same process takes writes again; refused webhooks are accepted on retry.
    rmSync(filler);
    const freedAt = Date.now();
    for (let n = 100; n < 110; n++) {
      const a = fullHooks[n - 100]!;
      if (a.status !== 202) expect(await sendUntilAccepted(s.url, s.hookId, n, answers, 15_000)).toBe(true);
    }
    for (let n = 5; n < 10; n++) expect(await sendUntilAccepted(s.url, s.hookId, n, answers, 15_000)).toBe(true);
    const after = await ask(recordsUrl, { method: 'POST', headers: auth, body: JSON.stringify({ data: { note: 'after', blob: blob() } }) });
    expect(after.status).toBe(201);
    const kept = (await (await fetch(`${recordsUrl}/${beforeId}`, { headers: auth })).json()) as { data?: unknown };
    expect(kept.data).toEqual({ note: 'before the disk filled', n: 42 });

    // Every event accepted (before, during, after) reaches its effect once.
    const expected = [...Array.from({ length: 10 }, (_, n) => String(n)), ...Array.from({ length: 10 }, (_, i) => String(100 + i))];
    const deadline = Date.now() + 60_000;
    while (expected.some((n) => !sink.keysByEvent.has(n)) && Date.now() < deadline) await sleep(200);
    rec.set('events accepted in all', expected.length);
    rec.set('effects delivered', expected.filter((n) => sink.keysByEvent.has(n)).length);
    rec.set('effects under two keys', [...sink.keysByEvent.values()].filter((k) => k.size > 1).length);
    rec.set('time from freeing space to the last effect (s)', Math.round((Date.now() - freedAt) / 100) / 10);
    expect(expected.filter((n) => !sink.keysByEvent.has(n))).toEqual([]);
    expect([...sink.keysByEvent.values()].every((k) => k.size === 1)).toBe(true);
    expect(s.exit()).toBeNull();

    // A restart on the same folder opens cleanly, with what was written.
    await s.stop();
    expect(s.exit()?.code).toBe(0);
    stack = await startFaultStack({ dataDir, temporalAddress: temporal.address, sinkUrl: sink.url, reopen: true });
    const reopened = await ask(`${stack.url}/api/workspaces/${s.workspaceId}/records/fault_note/${beforeId}`, { headers: auth });
    rec.set('restart on the same folder', reopened.status === 200 ? 'opened, data intact' : `answered ${reopened.status}`);
    expect(reopened.status).toBe(200);
    const again = (await (await fetch(`${stack.url}/api/workspaces/${s.workspaceId}/records/fault_note/${beforeId}`, { headers: auth })).json()) as {
      data?: unknown;
    };
    expect(again.data).toEqual({ note: 'before the disk filled', n: 42 });
  }, 120_000);
});
