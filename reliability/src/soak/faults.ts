import pg from 'pg';
import type { Child } from './child';
import { sleep } from './child';
import type { Rng } from './rng';
import type { TcpProxy } from './tcp-proxy';

export const FAULT_KINDS = [
  'worker_killed',
  'temporal_restarted',
  'dispatcher_killed_before_start',
  'postgres_connections_dropped',
  'sqs_unavailable',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultTargets = {
  worker: Child;
  dispatcher: Child;
  /** Stops the Temporal dev server and starts it again on the same port and SQLite file. */
  restartTemporal(downMs: number): Promise<void>;
  /** Server URL (any database) to run pg_terminate_backend from, and the soak's database name. */
  postgresServerUrl: string;
  database: string;
  sqsProxy: TcpProxy;
};

export type FaultRecord = { kind: FaultKind; at: number; detail: string };

/** Kinds that only take while events flow. */
const NEEDS_TRAFFIC: ReadonlySet<FaultKind> = new Set(['dispatcher_killed_before_start']);

/**
 * Place in the first round: the crash that needs traffic, then the quick outages, then the
 * restarts that take seconds, so every kind starts inside even a short load window.
 */
const FIRST_ROUND_RANK: Record<FaultKind, number> = {
  dispatcher_killed_before_start: 0,
  sqs_unavailable: 1,
  postgres_connections_dropped: 1,
  worker_killed: 2,
  temporal_restarted: 2,
};

/**
 * Which fault comes next. Every kind once first (ranked as above, seeded order within a rank), so
 * a short load window meets them all: random picks alone once left a kind out. Then seeded random
 * picks while the load lasts.
 */
export function createFaultPlan(rng: Rng) {
  const firstRound = rng.shuffle(FAULT_KINDS).sort((a, b) => FIRST_ROUND_RANK[a] - FIRST_ROUND_RANK[b]);
  return {
    /** The next kind, given how often each has taken; null once nothing left could take. */
    next(taken: Readonly<Record<FaultKind, number>>, sending: boolean): FaultKind | null {
      const unseen = firstRound.find((k) => taken[k] === 0 && (sending || !NEEDS_TRAFFIC.has(k)));
      if (unseen) return unseen;
      return sending ? rng.pick(FAULT_KINDS) : null;
    },
    /** Still in the first round: faults come close together then. */
    covering: (taken: Readonly<Record<FaultKind, number>>) => FAULT_KINDS.some((k) => taken[k] === 0),
  };
}

/**
 * Injects one fault and returns once the system has been given back what it lost (process, server,
 * network). `took` is false when the fault found nothing to break (an armed crash no message reached).
 */
export async function injectFault(kind: FaultKind, t: FaultTargets, rng: Rng): Promise<{ took: boolean; detail: string }> {
  const took = (detail: string) => ({ took: true, detail });
  switch (kind) {
    case 'worker_killed': {
      await t.worker.kill();
      const down = Math.round(rng.between(200, 1_500));
      await sleep(down);
      await startWithRetry(t.worker);
      return took(`SIGKILL, restarted after ${down} ms`);
    }
    case 'temporal_restarted': {
      const down = Math.round(rng.between(300, 2_000));
      await t.restartTemporal(down);
      return took(`stopped, restarted after ${down} ms on the same port and database file`);
    }
    case 'dispatcher_killed_before_start': {
      // Armed: the dispatcher kills itself (SIGKILL) at its next run start, after receiving the
      // message and writing the execution row, before Temporal starts the workflow. Its supervisor restarts it.
      const before = t.dispatcher.inducedExits;
      t.dispatcher.signal('SIGUSR2');
      const deadline = Date.now() + 15_000;
      while (t.dispatcher.inducedExits === before && Date.now() < deadline) await sleep(100);
      await t.dispatcher.settled();
      return t.dispatcher.inducedExits > before
        ? took('crashed between receive and start, restarted')
        : { took: false, detail: 'armed; no message arrived within 15 s' };
    }
    case 'postgres_connections_dropped': {
      const c = new pg.Client({ connectionString: t.postgresServerUrl });
      await c.connect();
      try {
        const r = await c.query('select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
          t.database,
        ]);
        return took(`pg_terminate_backend on ${String((r.rows[0] as { n: string }).n)} connections`);
      } finally {
        await c.end();
      }
    }
    case 'sqs_unavailable': {
      const down = Math.round(rng.between(1_000, 4_000));
      t.sqsProxy.down();
      await sleep(down);
      t.sqsProxy.up();
      return took(`unreachable for ${down} ms`);
    }
  }
}

async function startWithRetry(c: Child): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await c.start(60_000);
      return;
    } catch (e) {
      if (attempt >= 10) throw e;
      await sleep(500 * (attempt + 1));
    }
  }
}
