/**
 * Noisy neighbour on the real pipeline (event queue → dispatcher → run starter → Temporal dev server
 * → worker): workspace A's burst of runs, each with a slow first action, backs up in Temporal behind
 * a worker with two activity slots; then workspace B's one event arrives. With Task Queue Fairness
 * on, B's first action runs after a handful of A's; with it off (first in, first out), the same
 * check fails: B waits behind most of A's backlog. The order of arrival at the called endpoint is
 * the measure, so a slow machine changes the durations, not the outcome.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@conduit/core/config';
import type { WorkflowAction, WorkflowTrigger } from '@conduit/core/definition';
import { appendEvent, dbPayloadStore } from '@conduit/core/domain';
import { createInProcessQueue } from '@conduit/core/events';
import { temporalDataConverter } from '@conduit/core/temporal-codec';
import { companies, eq, workflowVersions, workflows, workspaces, type Db } from '@conduit/core/testing';
import { createDispatcher, createRunStarter } from '@conduit/functions/testing';
import { createWorker } from '@conduit/worker';
import { createTestDb, startTemporalDevServer } from '../src/testing';
import { cachedWorkflowBundle } from '../src/workflow-bundle';

/** A's burst: enough that a first-in, first-out backlog takes a minute to drain past B. */
const BURST = 400;
/**
 * The slow first action: the endpoint answers after this long, so A's calls (two at a time) keep a
 * backlog of hundreds in Temporal's task queue when B's event arrives.
 */
const ACTION_MS = 150;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

type Hit = { ws: string; n: number; at: number };

/** The endpoint every run's first action calls; it keeps the order in which calls arrive. */
async function startEndpoint(): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const { ws, n } = JSON.parse(body) as { ws: string; n: number };
      hits.push({ ws, n, at: Date.now() });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), ACTION_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hit`, hits, server };
}

async function seed(db: Db, name: string, url: string) {
  const [ws] = await db
    .insert(workspaces)
    // No limits: A's burst must reach Temporal whole, which is what fairness is tested against.
    .values({ name, slug: `${name.toLowerCase()}-${crypto.randomUUID()}`, eventsPerSecond: null, maxConcurrentRuns: null, monthlyRunQuota: null })
    .returning();
  const [co] = await db.insert(companies).values({ workspaceId: ws!.id, name }).returning();
  const trigger: WorkflowTrigger = { type: 'webhook', auth: { mode: 'none' }, allowGet: false };
  const actions = [{ id: 'call', type: 'send_webhook', method: 'POST', url, body: { ws: name, n: '{{trigger.body.n}}' } }] as unknown as WorkflowAction[];
  const [wf] = await db
    .insert(workflows)
    .values({ name: `${name} hook`, workspaceId: ws!.id, companyId: co!.id, trigger, actions, isActive: true })
    .returning();
  const [v] = await db.insert(workflowVersions).values({ workflowId: wf!.id, workspaceId: ws!.id, version: 1, name: wf!.name, trigger, actions }).returning();
  await db.update(workflows).set({ activeVersionId: v!.id, activeTriggerType: 'webhook', activeTriggerObject: null }).where(eq(workflows.id, wf!.id));
  return { workspaceId: ws!.id, workflowId: wf!.id };
}

async function until(what: string, check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Outcome = { aAheadOfB: number; aWaiting: number; bLatencyMs: number; aDoneBeforeB: number };

/**
 * Runs the scenario on a fresh dev server with fairness on or off and answers how many of A's calls
 * reached the endpoint between B's event being published and B's own call, out of how many were still
 * waiting when it was published, and B's latency.
 */
async function noisyNeighbour(fairness: boolean): Promise<Outcome> {
  const temporal = await startTemporalDevServer({ fairness });
  const dbh = await createTestDb('pglite');
  const endpoint = await startEndpoint();
  const config = loadConfig({ ENCRYPTION_KEY: 'a'.repeat(64), HTTP_ALLOWLIST: '127.0.0.1', TEMPORAL_ADDRESS: temporal.address });
  const connection = await NativeConnection.connect({ address: temporal.address });
  const clientConnection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection: clientConnection, dataConverter: temporalDataConverter(config, dbPayloadStore(dbh.db)) });
  const runs = createRunStarter({ db: dbh.db, temporal: client });
  const dispatcher = createDispatcher({ db: dbh.db, runs, config });
  const queue = createInProcessQueue(dispatcher.handle);
  const worker = await createWorker({
    connection,
    db: dbh.db,
    queue,
    config,
    workflowBundle: await cachedWorkflowBundle(),
    logger: quiet,
    // Two calls at a time: A's burst has to wait in Temporal's task queue, which is what is measured.
    workerOptions: { maxConcurrentActivityTaskExecutions: 2 },
  });
  const running = worker.run();
  try {
    const a = await seed(dbh.db, 'A', endpoint.url);
    const b = await seed(dbh.db, 'B', endpoint.url);
    const event = (w: { workspaceId: string; workflowId: string }, n: number) =>
      appendEvent(dbh.db, {
        workspaceId: w.workspaceId,
        source: 'webhook',
        type: 'webhook.received',
        workflowId: w.workflowId,
        payload: {
          kind: 'webhook',
          method: 'POST',
          body: { n },
          query: {},
          headers: {},
          contentType: 'application/json',
          receivedAt: new Date().toISOString(),
        },
        causation: { depth: 0, chain: [] },
      });
    const burst = [];
    for (let n = 0; n < BURST; n++) burst.push(await event(a, n));
    await queue.publishMany!(burst);
    // A's backlog is in place (every run started, calls under way) before B's event arrives.
    await queue.drain();
    await until("A's first calls", () => endpoint.hits.length >= 20, 180_000);
    const bEvent = await event(b, 0);
    const published = Date.now();
    const before = endpoint.hits.length;
    await queue.publish(bEvent);
    await until("B's call", () => endpoint.hits.some((h) => h.ws === 'B'), 180_000);
    const bIndex = endpoint.hits.findIndex((h) => h.ws === 'B');
    const result = { aAheadOfB: bIndex - before, aWaiting: BURST - before, bLatencyMs: endpoint.hits[bIndex]!.at - published, aDoneBeforeB: bIndex };
    // The rest of A's backlog dies with this dev server (in memory, one per case): no need to drain it.
    return result;
  } finally {
    await worker.shutdown();
    await running.catch(() => {});
    await queue.stop?.();
    await clientConnection.close();
    await connection.close();
    endpoint.server.close();
    await dbh.close();
    await temporal.stop();
  }
}

describe('one workspace’s burst does not hold another’s runs behind it (real Temporal dev server)', () => {
  const seen: string[] = [];
  afterAll(() => {
    for (const line of seen) console.log(line);
  });

  /**
   * The fairness claim: B's first action overtakes most of the A calls still waiting when B's event
   * arrived. Temporal's fair matching still lets some of them through first (a handful on an idle
   * machine, up to a few dozen seen, more on a loaded one), so the bound is relative to A's backlog,
   * which first in, first out puts mostly ahead of B (seen: 240 to 378 of ~380 waiting, fewer
   * under CI load; on, 2 to 11).
   */
  const assertNotHeldBehind = (r: Outcome) => expect(r.aAheadOfB).toBeLessThan(r.aWaiting / 3);
  const describeOutcome = (r: Outcome) => `${r.aAheadOfB} of the ${r.aWaiting} A calls still waiting ran between B's event and B's call (${r.bLatencyMs} ms)`;

  it('with Task Queue Fairness on, B’s first action runs after only a few of A’s', { timeout: 600_000 }, async () => {
    const r = await noisyNeighbour(true);
    seen.push(`fairness on: ${describeOutcome(r)}`);
    assertNotHeldBehind(r);
  });

  it('with it off, the same assertion fails: B waits behind A’s first-in, first-out backlog', { timeout: 600_000 }, async () => {
    const r = await noisyNeighbour(false);
    seen.push(`fairness off: ${describeOutcome(r)}`);
    expect(() => assertNotHeldBehind(r)).toThrow();
    // Starved, not merely unlucky: a large share of A's burst went first.
    expect(r.aDoneBeforeB).toBeGreaterThan(BURST / 3);
  });
});
