import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '@conduit/core/db';
import { and, eq, records, workflowExecutions } from '@conduit/core/testing';
import { createDatabase, startPostgres, startTemporalDevServer, type PostgresServer, type TemporalDevServer } from '@conduit/local/testing';
import { ask, sendUntilAccepted, sleep, type Answer } from '../src/faults/send';
import { startFaultStack, type FaultStack } from '../src/faults/stack';
import { startSink, type Sink } from '../src/soak/sink';
import { trackFamily } from '../src/testing/track';

/**
 * PostgreSQL stopped (`pg_ctl stop -m fast`, sessions terminated as an operator's restart does) and
 * started again while webhooks arrive and runs are in flight, under the product as `npm start` runs
 * it on PostgreSQL (stack-child.ts). Its own PostgreSQL cluster (the shared one must not go down under
 * other test files) and its own Temporal dev server (the stack's task queue is fixed).
 */
const EVENTS = 60;
const SEND_EVERY_MS = 100;
const DOWN_AFTER_MS = 2_000;
/** Longer than the pool's 5 s wait for the server, so some requests see it gone and are answered 503. */
const DOWN_FOR_MS = 8_000;

const rec = trackFamily({
  family: 'postgres-restart',
  title: 'PostgreSQL restarted mid-run',
  command: 'npx vitest run --project reliability test/postgres-restart.test.ts',
  notes: [
    `The product as \`npm start\` runs it (one process: API, ingress, queue, dispatcher, worker) on its own PostgreSQL cluster. ${EVENTS} webhooks, one every ${SEND_EVERY_MS} ms; ${DOWN_AFTER_MS / 1000} s in, \`pg_ctl stop -m fast\`, started again ${DOWN_FOR_MS / 1000} s later (longer than the pool's 5 s wait for the server). A sender retries a 503 under the same Idempotency-Key after 0.5 s.`,
  ],
});

let pg: PostgresServer;
let temporal: TemporalDevServer;
let sink: Sink;
let stack: FaultStack;
let reader: DbHandle;
const dataDir = mkdtempSync(join(tmpdir(), 'conduit-pg-restart-'));

beforeAll(async () => {
  [pg, temporal, sink] = await Promise.all([startPostgres(), startTemporalDevServer(), startSink()]);
  const databaseUrl = await createDatabase(pg.url, 'restart');
  stack = await startFaultStack({ dataDir, databaseUrl, temporalAddress: temporal.address, sinkUrl: sink.url });
  reader = await createDb({ url: databaseUrl, migrate: false, poolSize: 2 });
});
afterAll(async () => {
  await stack?.stop();
  await reader?.close();
  await Promise.all([temporal?.stop(), sink?.close()]);
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('PostgreSQL restarted mid-run', () => {
  it('webhooks sent meanwhile are answered 202 or a clear 503 with Retry-After; every run completes once; the process stays up', async () => {
    const hooks: Answer[] = [];
    const t0 = Date.now();
    const sending = Promise.all(
      Array.from({ length: EVENTS }, async (_, n) => {
        await sleep(n * SEND_EVERY_MS);
        return sendUntilAccepted(stack.url, stack.hookId, n, hooks);
      }),
    );

    await sleep(DOWN_AFTER_MS);
    const open = await reader.db
      .select({ status: workflowExecutions.status })
      .from(workflowExecutions)
      .where(eq(workflowExecutions.workspaceId, stack.workspaceId));
    const inFlight = open.filter((r) => r.status !== 'completed' && r.status !== 'failed' && r.status !== 'cancelled').length;
    const downAt = Date.now();
    await pg.shutdown();
    // While it is down, the API too (the workspace's API key): a read and a write early on wait out
    // the pool's 5 s and are refused; a write late in the outage is served once the server is back.
    const auth = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
    const recordsUrl = `${stack.url}/api/workspaces/${stack.workspaceId}/records/fault_note`;
    const write = () => ({ method: 'POST', headers: auth, body: JSON.stringify({ data: { note: 'while down' } }) });
    const probes = [
      sleep(500).then(() => ask(recordsUrl, { headers: auth })),
      sleep(1_000).then(() => ask(recordsUrl, write())),
      sleep(6_000).then(() => ask(recordsUrl, write())),
    ];
    await sleep(DOWN_FOR_MS);
    await pg.start();
    const upAt = Date.now();
    const api = await Promise.all(probes);
    const accepted = await sending;

    // Every event's run: one record, one effect, one completed execution.
    const deadline = Date.now() + 60_000;
    let completed = 0;
    for (;;) {
      const rows = await reader.db
        .select({ status: workflowExecutions.status })
        .from(workflowExecutions)
        .where(eq(workflowExecutions.workspaceId, stack.workspaceId));
      completed = rows.filter((r) => r.status === 'completed').length;
      const final = rows.filter((r) => r.status !== 'running' && r.status !== 'queued' && r.status !== 'pending').length;
      if ((rows.length >= EVENTS && final === rows.length && sink.keysByEvent.size >= EVENTS) || Date.now() > deadline) break;
      await sleep(250);
    }
    const executions = await reader.db
      .select({ id: workflowExecutions.id, status: workflowExecutions.status, eventId: workflowExecutions.eventId, error: workflowExecutions.error })
      .from(workflowExecutions)
      .where(eq(workflowExecutions.workspaceId, stack.workspaceId));
    const kept = await reader.db
      .select({ data: records.data })
      .from(records)
      .where(and(eq(records.workspaceId, stack.workspaceId), eq(records.object, 'fault_event')));
    const perEvent = new Map<string, number>();
    for (const r of kept) {
      const n = String((r.data as { n?: unknown }).n);
      perEvent.set(n, (perEvent.get(n) ?? 0) + 1);
    }

    const during = hooks.filter((a) => a.at >= downAt && a.at < upAt);
    const refusedDuring = during.filter((a) => a.status === 503);
    const unclear = [...hooks, ...api].filter((a) => a.status !== 202 && a.status !== 200 && a.status !== 201 && !(a.status === 503 && a.code && a.retryAfter));
    rec.set('webhooks', EVENTS);
    rec.set('runs in flight when it stopped', inFlight);
    rec.set('database down (s)', Math.round((upAt - downAt) / 100) / 10);
    rec.set('webhook requests sent while down', during.length);
    rec.set('of which 202 (the pool waited for the server)', during.filter((a) => a.status === 202).length);
    rec.set('of which 503 database_unavailable', refusedDuring.filter((a) => a.code === 'database_unavailable').length);
    rec.set(
      'API calls while down: 503 database_unavailable / served after the wait',
      `${api.filter((a) => a.status === 503 && a.code === 'database_unavailable').length} / ${api.filter((a) => a.status < 300).length}`,
    );
    rec.set('other answers (5xx other than a clear 503, refused connections)', unclear.length);
    rec.set('runs completed', completed);
    rec.set('events with more than one run', [...perEvent.values()].filter((c) => c > 1).length);
    rec.set('effects under two keys', [...sink.keysByEvent.values()].filter((k) => k.size > 1).length);
    rec.set('time from restart to the last run completed (s)', Math.round((Date.now() - upAt) / 100) / 10);
    rec.set('test time (s)', Math.round((Date.now() - t0) / 100) / 10);

    expect(stack.exit(), 'the process stayed up').toBeNull();
    expect(inFlight, 'runs were in flight when the database stopped').toBeGreaterThan(0);
    expect(accepted.every(Boolean), 'every webhook accepted in the end').toBe(true);
    expect(unclear, 'never a 500, a crash or an unclear refusal').toEqual([]);
    // The API waited for the database up to 5 s, then said it was gone, in words; a call that
    // started late enough was served once it came back.
    for (const a of api.slice(0, 2)) {
      expect(a).toMatchObject({ status: 503, code: 'database_unavailable', retryAfter: '5' });
      expect(a.message).toMatch(/^The database cannot be reached right now/);
    }
    expect(api[2]!.status).toBe(201);
    for (const a of refusedDuring) expect(a.code).toBe('database_unavailable');
    expect(during.length).toBeGreaterThan(0);
    expect(refusedDuring.length, 'some webhooks saw the database gone').toBeGreaterThan(0);
    // Nothing lost, nothing twice.
    expect(executions).toHaveLength(EVENTS);
    expect(new Set(executions.map((e) => e.eventId)).size).toBe(EVENTS);
    expect(executions.filter((e) => e.status !== 'completed')).toEqual([]);
    expect(perEvent.size).toBe(EVENTS);
    expect([...perEvent.values()].every((c) => c === 1)).toBe(true);
    expect(sink.keysByEvent.size).toBe(EVENTS);
    expect([...sink.keysByEvent.values()].every((k) => k.size === 1)).toBe(true);
  }, 120_000);
});
