import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '@conduit/core/db';
import { events, workflowExecutions, eq } from '@conduit/core/testing';
import type { ActionsSchema } from '@conduit/core/definition';
import { signWebhook } from '@conduit/functions/testing';
import { createDatabase, freePort, startElasticMq, startMoto, startPostgres, startTemporalDevServer, type TemporalDevServer } from '@conduit/local/testing';
import { ELASTICMQ_VERSION } from '@conduit/local/services/elasticmq';
import { cachedWorkflowBundle } from '@conduit/local/workflow-bundle';
import { newEncryptionKey, seedWebhookWorkflow, seedWorkspace, type SeededHook } from '../fixtures';
import { Child, sleep } from './child';
import { createFaultPlan, FAULT_KINDS, injectFault, type FaultKind, type FaultRecord } from './faults';
import { createRng } from './rng';
import { startSink } from './sink';
import { startTcpProxy } from './tcp-proxy';
import type { z } from 'zod';

type SeedActions = z.input<typeof ActionsSchema>;

export type SoakOptions = {
  events: number;
  seed?: number;
  /** Events per second the sender aims for (the load window is events / rate seconds). */
  rate?: number;
  concurrency?: number;
  /** Every n-th event is sent with a forged signature and must be refused (0: none). */
  forgeEvery?: number;
  faults?: boolean;
  /** Pause between faults (ms, random in the range). */
  faultGapMs?: [number, number];
  drainTimeoutMs?: number;
  /**
   * The SQS-compatible server the queue lives on: moto (default; its queue walk stalls under a
   * backlog of thousands), ElasticMQ (started from the jars fetched from Maven Central), or the
   * http endpoint of one already running. The soak creates its own queue there either way.
   */
  sqs?: SoakSqs;
  /**
   * One long Temporal outage (ms) while the webhooks keep coming: the dev server is stopped a
   * quarter into the load window and started again after this long. The short restarts of the fault
   * loop wait for it rather than overlap it.
   */
  temporalOutageMs?: number;
  /** A PostgreSQL server to create the soak's database on; one is started when absent. */
  postgresServerUrl?: string;
  log?: (line: string) => void;
  /** Aborting stops the load and the faults and tears everything down (SIGINT in the CLI). */
  signal?: AbortSignal;
};

export type SoakSqs = { kind: 'moto' } | { kind: 'elasticmq' } | { kind: 'endpoint'; endpoint: string };

/** How a result names its queue server. */
export function sqsLabel(s: SoakSqs | undefined): string {
  if (!s || s.kind === 'moto') return 'moto';
  return s.kind === 'elasticmq' ? `ElasticMQ ${ELASTICMQ_VERSION}` : `the SQS endpoint ${s.endpoint}`;
}

export type SoakResult = {
  /** The long Temporal outage, when asked for: how long, and how the ingress answered meanwhile. */
  temporalOutage?: { downMs: number; requests: number; answered202: number; otherAnswers: number };
  /** The queue server (sqsLabel). */
  sqs: string;
  /** Most messages waiting in the queue at once, sampled every few seconds (ApproximateNumberOfMessages). */
  peakBacklog: number;
  sent: number;
  accepted: number;
  refused: number;
  /** Forged events that were refused, as they must be. */
  refusedForged: number;
  /** Genuine events that could not be delivered after the sender's retries. */
  refusedGenuine: number;
  runsExpected: number;
  runsFound: number;
  duplicates: number;
  lost: number;
  notFinal: number;
  runsCompleted: number;
  runsFailed: number;
  effects: number;
  /** Deliveries the sink saw again under an Idempotency-Key it already had (absorbed by the key). */
  redeliveriesAbsorbed: number;
  duplicateEffects: number;
  missingEffects: number;
  forgedStored: number;
  temporalMismatches: number;
  timeToDrainMs: number;
  sendMs: number;
  faults: Record<FaultKind, number>;
  faultLog: FaultRecord[];
  unexpectedRestarts: Record<string, number>;
  seed: number;
  drained: boolean;
};

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * The fault-injection soak: real PostgreSQL, the SQS adapter on moto (behind a proxy that can cut
 * it off), the Temporal dev server (stopped and restarted on its SQLite file), and the ingress,
 * dispatcher and worker as separate processes that get killed. A known number of webhooks goes in;
 * at the end every accepted event must have exactly one run, every run must be final, no effect
 * may have run twice, and Temporal must agree with the database.
 */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rng = createRng(seed);
  const rate = o.rate ?? 50;
  const concurrency = o.concurrency ?? 16;
  const forgeEvery = o.forgeEvery ?? 50;
  const [gapLo, gapHi] = o.faultGapMs ?? [1_500, 4_000];
  const dir = mkdtempSync(join(tmpdir(), 'conduit-soak-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  const children: Child[] = [];
  const runId = Date.now().toString(36);
  try {
    // Services, each owned by the soak so it can be broken without touching anyone else's.
    const pgServer = o.postgresServerUrl ? null : await startPostgres();
    if (pgServer) cleanups.push(pgServer.stop);
    const serverUrl = o.postgresServerUrl ?? pgServer!.url;
    const dbUrl = await createDatabase(serverUrl, 'soak');
    const database = new URL(dbUrl).pathname.slice(1);
    const handle = await createDb({ url: dbUrl, poolSize: 4 });
    cleanups.push(handle.close);
    const { db } = handle;

    const temporalDb = join(dir, 'temporal.db');
    const temporalPort = await freePort();
    // WAL: a restart (the fault) keeps every commit; the disk is not synced on each one.
    const temporalOpts = { port: temporalPort, dbFile: temporalDb, sqlitePragmas: { journal_mode: 'wal', synchronous: 'normal' } };
    let temporal: TemporalDevServer = await startTemporalDevServer(temporalOpts);
    cleanups.push(() => temporal.stop());
    // One stop-and-start at a time: a short restart waits for the long outage and the other way round.
    let temporalLock: Promise<unknown> = Promise.resolve();
    const restartTemporal = (downMs: number) => {
      const next = temporalLock.then(async () => {
        await temporal.stop();
        await sleep(downMs);
        for (let attempt = 0; ; attempt++) {
          try {
            temporal = await startTemporalDevServer(temporalOpts);
            return;
          } catch (e) {
            if (attempt >= 5) throw e;
            await sleep(1_000);
          }
        }
      });
      temporalLock = next.catch(() => {});
      return next;
    };

    const sqsChoice = o.sqs ?? { kind: 'moto' };
    let sqsEndpoint: string;
    if (sqsChoice.kind === 'endpoint') sqsEndpoint = sqsChoice.endpoint;
    else {
      const server = sqsChoice.kind === 'elasticmq' ? await startElasticMq() : await startMoto();
      cleanups.push(server.stop);
      sqsEndpoint = server.endpoint;
    }
    const sqsTarget = new URL(sqsEndpoint);
    if (sqsTarget.protocol !== 'http:') throw new Error(`the soak's SQS endpoint must be http (it goes through a TCP proxy): ${sqsEndpoint}`);
    const proxy = await startTcpProxy({ host: sqsTarget.hostname, port: Number(sqsTarget.port || 80) });
    cleanups.push(proxy.close);
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: sqsEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    cleanups.push(async () => sqs.destroy());
    const created = await sqs.send(new CreateQueueCommand({ QueueName: `soak-${runId}`, Attributes: { VisibilityTimeout: '5' } }));
    // Every SQS call goes through the proxy (the SDK sends to the queue URL's host).
    const queueUrl = created.QueueUrl!.replace(/^https?:\/\/[^/]+/, `http://127.0.0.1:${proxy.port}`);
    // The backlog, sampled straight from the server (not through the proxy the faults cut):
    // messages sent and not yet deleted, waiting or in flight.
    let peakBacklog = 0;
    let backlog = 0;
    const backlogTimer = setInterval(() => {
      sqs
        .send(
          new GetQueueAttributesCommand({
            QueueUrl: created.QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
          { abortSignal: AbortSignal.timeout(5_000) },
        )
        .then((a) => {
          const n = Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
          backlog = n;
          peakBacklog = Math.max(peakBacklog, n);
        })
        .catch(() => {});
    }, 2_000);
    cleanups.push(async () => clearInterval(backlogTimer));

    log('bundling workflow code (cached between runs)…');
    const bundle = await cachedWorkflowBundle(join(tmpdir(), 'conduit-soak-bundle'));
    const bundlePath = join(dir, 'workflows.js');
    writeFileSync(bundlePath, bundle.code);

    const sink = await startSink();
    cleanups.push(sink.close);

    const encryptionKey = newEncryptionKey();
    const ws = await seedWorkspace(db, 'soak');
    const actions = [
      {
        id: 'effect',
        type: 'send_webhook',
        method: 'POST',
        url: sink.url,
        timeoutMs: 3_000,
        body: { event: '{{trigger.body.n}}', soak: runId },
        retry: { maxAttempts: 10, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 2_000 },
      },
    ] satisfies SeedActions;
    const hooks: SeededHook[] = [
      await seedWebhookWorkflow(db, { ...ws, auth: 'signature', actions, encryptionKey, name: 'soak A' }),
      await seedWebhookWorkflow(db, { ...ws, auth: 'signature', actions, encryptionKey, name: 'soak B' }),
    ];

    const env: Record<string, string> = {
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      SQS_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: `http://127.0.0.1:${proxy.port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ENCRYPTION_KEY: encryptionKey,
      HTTP_ALLOWLIST: '127.0.0.1',
      WORKFLOW_BUNDLE_PATH: bundlePath,
      LOG_LEVEL: 'error',
      PORT: '0',
    };
    const onEvent = (name: string, what: string) => log(`  ${name} ${what}`);
    const ingress = new Child('ingress', env, onEvent);
    const dispatcher = new Child('dispatcher', env, onEvent);
    const worker = new Child('worker', env, onEvent);
    children.push(ingress, dispatcher, worker);
    await Promise.all(children.map((c) => c.start()));
    const base = `http://127.0.0.1:${String(ingress.readyInfo.port)}`;
    log(`stack up: ingress ${base}, Temporal ${temporal.address}, SQS (${sqsLabel(o.sqs)}) via proxy :${proxy.port}, seed ${seed}`);

    // Faults while the load runs: every kind once (close together), then random ones at random moments.
    const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    const faultLog: FaultRecord[] = [];
    const plan = createFaultPlan(rng);
    const t0 = Date.now();
    let sending = true;
    // The long outage, a quarter into the load window; requests sent while it lasts are tallied.
    let outageWindow: { from: number; to: number } | null = null;
    const outageTally = { requests: 0, answered202: 0, otherAnswers: 0 };
    const outage = (async () => {
      if (!o.temporalOutageMs) return;
      await sleep((o.events / rate) * 250);
      if (o.signal?.aborted) return;
      log(`  long Temporal outage: stopping the dev server for ${(o.temporalOutageMs / 1000).toFixed(0)} s`);
      outageWindow = { from: Date.now(), to: Number.POSITIVE_INFINITY };
      await restartTemporal(o.temporalOutageMs).finally(() => {
        if (outageWindow) outageWindow.to = Date.now();
      });
      log(`  long Temporal outage over: ${outageTally.answered202} of ${outageTally.requests} webhooks sent meanwhile answered 202`);
    })();
    const faultLoop = (async () => {
      if (o.faults === false) return;
      const deadline = Date.now() + Math.max(60_000, (o.events / rate) * 1_000 + 60_000);
      while (Date.now() < deadline && !o.signal?.aborted) {
        await sleep(plan.covering(faults) ? rng.between(300, 1_000) : rng.between(gapLo, gapHi));
        // No other fault while the long outage lasts: a killed process could not come back before it ends.
        while ((outageWindow as { to: number } | null)?.to === Number.POSITIVE_INFINITY && !o.signal?.aborted) await sleep(500);
        const kind = plan.next(faults, sending);
        if (!kind) break;
        try {
          const { took, detail } = await injectFault(
            kind,
            { worker, dispatcher, restartTemporal, postgresServerUrl: serverUrl, database, sqsProxy: proxy },
            rng,
          );
          if (took) {
            faults[kind]++;
            faultLog.push({ kind, at: Date.now() - t0, detail });
          }
          log(`  fault ${kind} at ${((Date.now() - t0) / 1000).toFixed(1)} s: ${detail}`);
        } catch (e) {
          log(`  fault ${kind} failed to inject: ${(e as Error).message}`);
        }
      }
    })();

    // The sender: every event has a webhook-id, so its retries are deduplicated by ingress.
    const accepted = new Map<number, { eventId: string; workflowId: string }>();
    const forged: Array<{ n: number; workflowId: string; id: string }> = [];
    let refusedForged = 0;
    let refusedGenuine = 0;
    let next = 0;
    const sendOne = async (n: number) => {
      const hook = hooks[n % hooks.length]!;
      const id = `soak-${runId}-${n}`;
      const isForged = forgeEvery > 0 && n % forgeEvery === forgeEvery - 1;
      const body = JSON.stringify({ n });
      for (let attempt = 0; attempt < 12; attempt++) {
        const ts = Math.floor(Date.now() / 1000);
        const sig = signWebhook({
          secret: isForged ? `whsec_${Buffer.from('forged key, not the hook secret').toString('base64')}` : hook.secret!,
          id,
          timestamp: ts,
          body,
        });
        let status = 0;
        const sentAt = Date.now();
        let json: { eventId?: string } = {};
        try {
          const res = await fetch(`${base}/hooks/${hook.hookId}`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': sig },
            signal: AbortSignal.timeout(10_000),
          });
          status = res.status;
          json = (await res.json().catch(() => ({}))) as { eventId?: string };
        } catch {
          status = 0;
        }
        const w = outageWindow as { from: number; to: number } | null;
        if (!isForged && w && sentAt >= w.from && sentAt <= w.to) {
          outageTally.requests++;
          if (status === 202) outageTally.answered202++;
          else outageTally.otherAnswers++;
        }
        if (status === 202 && json.eventId) {
          if (isForged) throw new Error(`a forged event was accepted: ${id}`);
          accepted.set(n, { eventId: json.eventId, workflowId: hook.workflowId });
          return;
        }
        if (status >= 400 && status < 500 && status !== 429) {
          if (isForged) {
            refusedForged++;
            forged.push({ n, workflowId: hook.workflowId, id });
          } else refusedGenuine++;
          return;
        }
        // 5xx, 429 or no answer: a real sender retries with the same webhook-id.
        await sleep(Math.min(2_000, 100 * 2 ** attempt));
      }
      refusedGenuine++;
    };
    const lane = async () => {
      for (;;) {
        const n = next++;
        if (n >= o.events || o.signal?.aborted) return;
        // Pace the load so the faults land in the middle of it.
        const due = t0 + (n / rate) * 1_000;
        if (due > Date.now()) await sleep(due - Date.now());
        await sendOne(n);
      }
    };
    const progress = setInterval(() => log(`  sending: ${Math.min(next, o.events)} sent, ${accepted.size} accepted, queue backlog ${backlog}`), 15_000);
    cleanups.push(async () => clearInterval(progress));
    await Promise.all(Array.from({ length: concurrency }, lane));
    clearInterval(progress);
    const sendMs = Date.now() - t0;
    sending = false;
    log(`sent ${o.events} in ${(sendMs / 1000).toFixed(1)} s: ${accepted.size} accepted; waiting for faults to finish and runs to drain…`);
    await faultLoop;
    await outage;
    o.signal?.throwIfAborted();
    await Promise.all(children.map((c) => c.settled()));

    // Drain: every accepted event dispatched, every run final.
    const drainStart = Date.now();
    const drainTimeout = o.drainTimeoutMs ?? 180_000;
    const acceptedIds = new Set([...accepted.values()].map((a) => a.eventId));
    let drained = false;
    let lastLog = 0;
    while (Date.now() - drainStart < drainTimeout) {
      o.signal?.throwIfAborted();
      const [evs, runs] = await Promise.all([
        db.select({ id: events.id, dispatchedAt: events.dispatchedAt }).from(events).where(eq(events.workspaceId, ws.workspaceId)),
        db.select({ status: workflowExecutions.status }).from(workflowExecutions).where(eq(workflowExecutions.workspaceId, ws.workspaceId)),
      ]).catch(() => [[], []] as const);
      const undispatched = evs.filter((e) => acceptedIds.has(e.id) && !e.dispatchedAt).length;
      const open = runs.filter((r) => !FINAL.has(r.status)).length;
      const final = runs.length - open;
      if (evs.length > 0 && undispatched === 0 && open === 0 && final >= acceptedIds.size) {
        drained = true;
        break;
      }
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`  draining: ${undispatched} events undispatched, ${open} runs open, ${final}/${acceptedIds.size} final, queue backlog ${backlog}`);
      }
      await sleep(500);
    }
    const timeToDrainMs = Date.now() - drainStart;
    if (!drained) for (const c of children) log(`--- last output of ${c.name} (pid ${c.pid ?? 'none'}) ---\n${c.output().slice(-3_000)}`);

    // Verify.
    const runs = await db
      .select({
        id: workflowExecutions.id,
        eventId: workflowExecutions.eventId,
        workflowId: workflowExecutions.workflowId,
        status: workflowExecutions.status,
        temporalWorkflowId: workflowExecutions.temporalWorkflowId,
      })
      .from(workflowExecutions)
      .where(eq(workflowExecutions.workspaceId, ws.workspaceId));
    const storedEvents = await db.select({ id: events.id, dedupeKey: events.dedupeKey }).from(events).where(eq(events.workspaceId, ws.workspaceId));
    const storedIds = new Set(storedEvents.map((e) => e.id));
    const runsByEvent = new Map<string, typeof runs>();
    for (const r of runs) if (r.eventId) runsByEvent.set(`${r.workflowId}:${r.eventId}`, [...(runsByEvent.get(`${r.workflowId}:${r.eventId}`) ?? []), r]);
    let lost = 0;
    let duplicates = 0;
    let runsFound = 0;
    let duplicateEffects = 0;
    let missingEffects = 0;
    for (const [n, a] of accepted) {
      const mine = runsByEvent.get(`${a.workflowId}:${a.eventId}`) ?? [];
      runsFound += mine.length;
      if (!storedIds.has(a.eventId) || mine.length === 0) lost++;
      if (mine.length > 1) duplicates += mine.length - 1;
      const keys = sink.keysByEvent.get(String(n))?.size ?? 0;
      if (keys > 1) duplicateEffects += keys - 1;
      if (keys === 0 && mine.some((r) => r.status === 'completed')) missingEffects++;
    }
    const forgedKeys = new Set(forged.map((f) => `${f.workflowId}:webhook-id:${f.id}`));
    const forgedStored = storedEvents.filter((e) => e.dedupeKey && forgedKeys.has(e.dedupeKey)).length;
    let redeliveriesAbsorbed = 0;
    for (const c of sink.byKey.values()) redeliveriesAbsorbed += c - 1;

    // Temporal's own record of every run, compared with the database. A run's last step writes its
    // final row inside the step's own call, a moment before Temporal records the workflow's end; a
    // worker killed in that moment leaves the workflow task to be retried (after its 10 s timeout).
    // So agreement is awaited, within a bound, rather than sampled once.
    const conn = await Connection.connect({ address: temporal.address });
    let temporalMismatches = 0;
    try {
      const client = new Client({ connection: conn, namespace: 'default' });
      const expected: Record<string, string[]> = {
        completed: ['COMPLETED'],
        failed: ['FAILED', 'TERMINATED', 'TIMED_OUT'],
        cancelled: ['CANCELLED', 'TERMINATED'],
        running: ['RUNNING'],
        pending: ['RUNNING'],
      };
      const agreeBy = Date.now() + 60_000;
      for (;;) {
        const inTemporal = new Map<string, string>();
        for await (const wf of client.workflow.list({ query: `WorkflowType = 'runWorkflow'` })) inTemporal.set(wf.workflowId, wf.status.name);
        temporalMismatches = 0;
        for (const r of runs) {
          const t = inTemporal.get(r.temporalWorkflowId);
          if (!t || !(expected[r.status] ?? []).includes(t)) temporalMismatches++;
        }
        if (inTemporal.size !== runs.length) temporalMismatches += Math.abs(inTemporal.size - runs.length);
        if (temporalMismatches === 0 || Date.now() > agreeBy) break;
        log(`  ${temporalMismatches} run(s) not yet final in Temporal; waiting`);
        await sleep(1_000);
      }
    } finally {
      await conn.close();
    }

    const unexpectedRestarts = Object.fromEntries(children.map((c) => [c.name, c.unexpectedExits]));
    clearInterval(backlogTimer);
    return {
      sqs: sqsLabel(o.sqs),
      peakBacklog,
      sent: o.events,
      accepted: accepted.size,
      refused: refusedForged + refusedGenuine,
      refusedForged,
      refusedGenuine,
      runsExpected: accepted.size,
      runsFound,
      duplicates,
      lost,
      notFinal: runs.filter((r) => !FINAL.has(r.status)).length,
      runsCompleted: runs.filter((r) => r.status === 'completed').length,
      runsFailed: runs.filter((r) => r.status === 'failed').length,
      effects: sink.byKey.size,
      redeliveriesAbsorbed,
      duplicateEffects,
      missingEffects,
      forgedStored,
      temporalMismatches,
      timeToDrainMs,
      sendMs,
      ...(o.temporalOutageMs && outageWindow ? { temporalOutage: { downMs: o.temporalOutageMs, ...outageTally } } : {}),
      faults,
      faultLog,
      unexpectedRestarts,
      seed,
      drained,
    };
  } finally {
    for (const c of children.reverse()) await c.stop().catch(() => {});
    for (const c of cleanups.reverse()) await c().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The soak's verdict: every invariant the guarantees promise. */
export function soakProblems(r: SoakResult): string[] {
  const p: string[] = [];
  if (!r.drained) p.push('runs did not drain within the timeout');
  if (r.lost) p.push(`${r.lost} accepted events have no run`);
  if (r.duplicates) p.push(`${r.duplicates} duplicate runs`);
  if (r.runsFound !== r.runsExpected) p.push(`runs found ${r.runsFound} != expected ${r.runsExpected}`);
  if (r.notFinal) p.push(`${r.notFinal} runs not final`);
  if (r.duplicateEffects) p.push(`${r.duplicateEffects} effects ran twice under different idempotency keys`);
  if (r.missingEffects) p.push(`${r.missingEffects} completed runs whose effect never reached the sink`);
  if (r.forgedStored) p.push(`${r.forgedStored} forged events were stored`);
  if (r.temporalMismatches) p.push(`${r.temporalMismatches} runs where Temporal and the database disagree`);
  if (r.refusedGenuine) p.push(`${r.refusedGenuine} genuine events could not be delivered`);
  if (r.temporalOutage?.otherAnswers) p.push(`${r.temporalOutage.otherAnswers} webhooks were not answered 202 while Temporal was down`);
  if (r.temporalOutage && r.temporalOutage.requests === 0) p.push('no webhook was sent while Temporal was down');
  return p;
}

export function formatSoakTable(r: SoakResult): string {
  const rows: Array<[string, string | number]> = [
    ['sent', r.sent],
    ['accepted', r.accepted],
    ['refused', `${r.refused} (${r.refusedForged} forged on purpose, ${r.refusedGenuine} genuine)`],
    ['runs expected', r.runsExpected],
    ['runs found', r.runsFound],
    ['duplicates', r.duplicates],
    ['lost', r.lost],
    ['time to drain', `${(r.timeToDrainMs / 1000).toFixed(1)} s`],
    ['peak backlog', `${r.peakBacklog} messages (${r.sqs})`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const line = `+${'-'.repeat(w + 2)}+${'-'.repeat(52)}+`;
  return [line, ...rows.map(([k, v]) => `| ${k.padEnd(w)} | ${String(v).padEnd(50)} |`), line].join('\n');
}
