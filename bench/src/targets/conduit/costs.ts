import { Connection, WorkflowClient } from '@temporalio/client';
import type pg from 'pg';
import type { CpuTarget } from '../../cpu';
import { median, percentile } from '../../stats';
import type { ConduitStack } from './stack';

/** The processes of one Conduit stack, the shared PostgreSQL server and the bench itself. */
export function conduitCpuTargets(stack: ConduitStack, pgPid: number | undefined): Record<string, CpuTarget> {
  return {
    'Conduit stack': { roots: [stack.pid], tree: true },
    'Temporal server': { roots: [stack.temporal.pid], tree: true },
    PostgreSQL: { roots: [pgPid], tree: true },
    'bench client': { roots: [process.pid], tree: false },
  };
}

/** Starts counting SQL statements on the stack's database (pg_stat_statements, loaded by the bench's server). */
export async function resetStatements(db: pg.Pool): Promise<void> {
  await db.query('create extension if not exists pg_stat_statements');
  await db.query('select pg_stat_statements_reset()');
}

/** Top-level statements run on the stack's database since the reset, the bench's own bookkeeping left out. */
export async function countStatements(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select coalesce(sum(calls), 0) as n from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not ilike '%pg_stat_statements%' and query not ilike 'listen %'`,
  );
  return Number(rows[0]!.n);
}

/** The most frequent statements since the reset, per completed run: where the statement count goes. */
export async function topStatements(db: pg.Pool, runs: number, top = 12): Promise<string[]> {
  const { rows } = await db.query<{ calls: string; ms: number; query: string }>(
    `select calls, total_exec_time as ms, query from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not ilike '%pg_stat_statements%' and query not ilike 'listen %'
      order by calls desc limit $1`,
    [top],
  );
  const per = (n: number) => (runs > 0 ? n / runs : 0).toFixed(2);
  return rows.map((r) => `${per(Number(r.calls))}/run ${per(r.ms)} ms/run  ${r.query.replace(/\s+/g, ' ').slice(0, 110)}`);
}

/** History events and workflow tasks of up to `sample` runs of a workflow (medians are taken by the caller). */
export async function historyCounts(stack: ConduitStack, workflowId: string, sample = 5): Promise<{ events: number[]; workflowTasks: number[] }> {
  const { rows } = await stack.db.query<{ id: string }>(
    "select temporal_workflow_id as id from workflow_executions where workflow_id = $1 and status = 'completed' order by created_at desc limit $2",
    [workflowId, sample],
  );
  const connection = await Connection.connect({ address: stack.temporal.address });
  try {
    const client = new WorkflowClient({ connection });
    const events: number[] = [];
    const workflowTasks: number[] = [];
    for (const { id } of rows) {
      const history = await client.getHandle(id).fetchHistory();
      const all = history.events ?? [];
      events.push(all.length);
      workflowTasks.push(all.filter((e) => e.workflowTaskCompletedEventAttributes != null).length);
    }
    return { events, workflowTasks };
  } finally {
    await connection.close();
  }
}

/** One measured run: when the bench sent the webhook and when it saw the run completed (bench clock, ms since epoch). */
export type Timed = { eventId: string; sentAt: number; observedAt: number };

/** The stages of an end-to-end run, in order; each is the time since the previous one. */
export const STAGES = ['event stored', 'claimed by the dispatcher', 'started in Temporal', 'first step began', 'step ran', 'completion seen'] as const;

/**
 * Where the time of the median run and of the slowest 1 % went, stage by stage, from the rows' own
 * clocks (same machine as the bench): the event's received_at, the run row's created_at, the event's
 * dispatched_at, the step rows' started_at/completed_at, and the bench's own send and observe times.
 * Returns `p50:<stage>` (median of each stage over all runs) and `p99:<stage>` (mean of each stage
 * over the runs at or above the p99 of the total), so the slow tail names the stage that queues.
 */
export async function stageBreakdown(db: pg.Pool, runs: Timed[]): Promise<Record<string, number>> {
  if (!runs.length) return {};
  const { rows } = await db.query<{
    id: string;
    stored: string;
    claimed: string | null;
    dispatched: string | null;
    began: string | null;
    ended: string | null;
  }>(
    `select ev.id,
            extract(epoch from ev.received_at) * 1000 as stored,
            extract(epoch from min(x.created_at)) * 1000 as claimed,
            extract(epoch from ev.dispatched_at) * 1000 as dispatched,
            extract(epoch from min(st.started_at)) * 1000 as began,
            extract(epoch from max(st.completed_at)) * 1000 as ended
       from events ev
       join workflow_executions x on x.event_id = ev.id
       left join execution_steps st on st.execution_id = x.id
      where ev.id = any($1::uuid[])
      group by ev.id, ev.received_at, ev.dispatched_at`,
    [runs.map((r) => r.eventId)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const split: { total: number; parts: number[] }[] = [];
  for (const r of runs) {
    const row = byId.get(r.eventId);
    if (!row || row.claimed == null || row.dispatched == null || row.began == null || row.ended == null) continue;
    // The event is marked dispatched after Temporal accepted the start, and that commit can land after
    // the worker has already begun the step: the start is then no later than the step's beginning.
    const began = Number(row.began);
    const marks = [r.sentAt, Number(row.stored), Number(row.claimed), Math.min(Number(row.dispatched), began), began, Number(row.ended), r.observedAt];
    split.push({ total: r.observedAt - r.sentAt, parts: marks.slice(1).map((m, i) => m - marks[i]!) });
  }
  if (!split.length) return {};
  const cut = percentile(
    split.map((s) => s.total),
    99,
  );
  const tail = split.filter((s) => s.total >= cut);
  const out: Record<string, number> = {};
  STAGES.forEach((stage, i) => {
    out[`p50:${stage}`] = median(split.map((s) => s.parts[i]!));
    out[`p99:${stage}`] = tail.reduce((n, s) => n + s.parts[i]!, 0) / tail.length;
  });
  return out;
}
