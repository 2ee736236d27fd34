import { createDb } from '@conduit/core/db';
import { WorkflowActionSchema, WorkflowTriggerSchema } from '@conduit/core/definition';
import { activateWorkflow, createWorkflow } from '@conduit/core/domain';
import { Deadline, mapLimit, sleep } from '../bounded';
import type { Row } from '../report/model';
import { median, summarize } from '../stats';
import type { ConduitApi, Definition } from '../targets/conduit/api';
import { byRecord, nowMs, RunEndings } from '../targets/conduit/observer';
import type { Ctx } from './context';
import { sinkRecords, withConduit, type Session } from './conduitSession';
import { SINK_OBJECT, recordUpdatedToUpdate } from './definitions';

const TRIGGER = '4. Trigger latency: record PATCH → first action started';
const FANOUT = '5. Fan-out: one record event → N active workflows';
const SCALE = '5b. Dispatch cost vs. active workflows in the workspace';

/**
 * Pause before each spaced trigger sample. The bench sees a run as completed once its execution row
 * says so, while Temporal is still closing the workflow and the dispatcher is still handling the
 * event of the run's own sink update; a PATCH sent at once shares the cores with that tail. After
 * the pause the sample measures one trigger on a quiet stack, which is what the latency goal is.
 */
const SETTLE_MS = 100;

type RunSeen = { workflowId: string; status: string; firstStartedMs: number | null };

/** The runs a record's events caused so far, with when each run's first step started (DB clock, ms). */
async function runsOfRecord(s: Session, recordId: string): Promise<RunSeen[]> {
  const { rows } = await s.stack.db.query<{ workflow_id: string; status: string; first_started: string | null }>(
    `select e.workflow_id::text as workflow_id, e.status,
            (select extract(epoch from min(st.started_at)) * 1000 from execution_steps st where st.execution_id = e.id) as first_started
       from workflow_executions e
      where e.workspace_id = $1 and e.record_id = $2`,
    [s.api.workspaceId, recordId],
  );
  return rows.map((r) => ({ workflowId: r.workflow_id, status: r.status, firstStartedMs: r.first_started === null ? null : Number(r.first_started) }));
}

/** A record session: the stack, and the observer that hears its runs end (one LISTEN connection). */
export type RecordSession = Session & { runs: RunEndings };

/** `fn` with a completion observer on the session's database, closed whatever `fn` does. */
export async function withRecordRuns<T>(s: Session, fn: (r: RecordSession) => Promise<T>): Promise<T> {
  const runs = await RunEndings.open(s.stack.databaseUrl, byRecord);
  try {
    return await fn({ ...s, runs });
  } finally {
    await runs.close();
  }
}

/**
 * Patches a record, then waits until `expected` runs finished; times are from the PATCH being sent.
 * The end is heard through the completion trigger (no polling, so waiting costs the stack nothing);
 * the start times and stages are read from the rows once, after it.
 */
export async function patchAndWait(s: RecordSession, object: string, recordId: string, expected: number, i: number) {
  const done = s.runs.until(recordId, expected, 60_000 + expected * 1_000);
  const t0 = nowMs();
  try {
    await s.api.patchRecord(object, recordId, { v: i });
  } catch (e) {
    s.runs.cancel(recordId);
    throw e;
  }
  const ended = await done;
  const completedMs = ended.observedAt - t0;
  if (ended.notCompleted) throw new Error(`${ended.notCompleted} run(s) did not complete`);
  const runs = await runsOfRecord(s, recordId);
  if (runs.length !== expected) throw new Error(`expected ${expected} run(s), saw ${runs.length}`);
  const starts = runs.map((r) => (r.firstStartedMs ?? Number.NaN) - t0);
  // Where the time went, from the rows' own clocks (PostgreSQL's now() is its transaction's start):
  // the event stored, its claim (the run row's created_at) begun, the event marked dispatched (after
  // Temporal accepted the start), each relative to the PATCH being sent.
  const { rows } = await s.stack.db.query<{ stored: string | null; claimed: string | null; dispatched: string | null }>(
    `select extract(epoch from ev.received_at) * 1000 as stored,
            (select extract(epoch from min(x.created_at)) * 1000 from workflow_executions x where x.event_id = ev.id) as claimed,
            extract(epoch from ev.dispatched_at) * 1000 as dispatched
       from events ev
      where ev.workspace_id = $1 and ev.record_id = $2 and ev.type = 'record.updated' order by ev.received_at desc limit 1`,
    [s.api.workspaceId, recordId],
  );
  const at = (v: string | null | undefined) => (v == null ? Number.NaN : Number(v) - t0);
  const stages = { stored: at(rows[0]?.stored), claimed: at(rows[0]?.claimed), dispatched: at(rows[0]?.dispatched) };
  return { firstStartMs: Math.min(...starts), lastStartMs: Math.max(...starts), completedMs, dispatchMs: stages.dispatched - stages.stored, stages };
}

type Sample = Awaited<ReturnType<typeof patchAndWait>>;

/** The note under a latency row: medians of each stage, so a change shows where it moved. */
function stageNote(ok: Sample[], firstError?: string): string {
  const p50 = (f: (x: Sample) => number) => {
    const v = ok.map(f).filter(Number.isFinite);
    return v.length ? median(v).toFixed(1) : '–';
  };
  const parts = ok.length
    ? [
        `event stored → dispatched p50 ${p50((x) => x.dispatchMs)} ms`,
        `stages from the PATCH (p50 ms): event stored ${p50((x) => x.stages.stored)}, claim began ${p50((x) => x.stages.claimed)}, ` +
          `run started in Temporal ${p50((x) => x.stages.dispatched)}, first action ${p50((x) => x.firstStartMs)}`,
      ]
    : [];
  return [...parts, firstError ?? ''].filter(Boolean).join('; ');
}

async function createRecords(api: ConduitApi, object: string, count: number): Promise<string[]> {
  return mapLimit(
    Array.from({ length: count }, (_, i) => i),
    8,
    (i) => api.createRecord(object, { v: -1, i }),
  );
}

export function latencyRow(scenario: string, variant: string, values: number[], errors: number, note?: string): Row {
  const ok = values.filter(Number.isFinite);
  return {
    scenario,
    variant,
    target: 'conduit',
    metric: { unit: 'ms', higherIsBetter: false, values: ok },
    latency: summarize(ok),
    runs: ok.length,
    errors: errors + (values.length - ok.length),
    note,
  };
}

/** Runs `samples` measurements; a failed one is counted, never retried or hidden. */
async function sampled<T>(count: number, fn: (i: number) => Promise<T>): Promise<{ ok: T[]; errors: number; firstError?: string }> {
  const ok: T[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let i = 0; i < count; i++) {
    try {
      ok.push(await fn(i));
    } catch (e) {
      errors++;
      firstError ??= (e as Error).message;
    }
  }
  return { ok, errors, firstError };
}

// ---- scenario 4 -------------------------------------------------------------------------

async function runTriggerLatency(ctx: Ctx, s: RecordSession): Promise<void> {
  const { warmup, samples } = ctx.profile.trigger;
  {
    const [sink] = await sinkRecords(s.api, 1);
    await s.api.createActiveWorkflow(recordUpdatedToUpdate('bench: trigger', 'bench_trigger', sink!));
    const recs = await createRecords(s.api, 'bench_trigger', warmup + 2 * samples);
    await sampled(warmup, (i) => patchAndWait(s, 'bench_trigger', recs[i]!, 1, i));
    // The goal's row first (goals.ts reads it): samples spaced by SETTLE_MS; then the same back to back.
    const variants = [
      { label: `record_updated → update_record, samples ${SETTLE_MS} ms apart`, settle: SETTLE_MS, offset: warmup },
      { label: 'record_updated → update_record, back to back', settle: 0, offset: warmup + samples },
    ];
    for (const v of variants) {
      const r = await sampled(samples, async (i) => {
        if (v.settle > 0) await sleep(v.settle);
        return patchAndWait(s, 'bench_trigger', recs[v.offset + i]!, 1, i);
      });
      ctx.rows.push(
        latencyRow(
          TRIGGER,
          v.label,
          r.ok.map((x) => x.firstStartMs),
          r.errors,
          stageNote(r.ok, r.firstError),
        ),
      );
    }
  }
}

// ---- scenario 5 -------------------------------------------------------------------------

async function runFanout(ctx: Ctx, s: RecordSession): Promise<void> {
  const { sizes, samples } = ctx.profile.fanout;
  for (const k of sizes) {
    ctx.log(`5. fan-out to ${k} workflow(s)`);
    const object = `bench_fan_${k}`;
    const sinks = await sinkRecords(s.api, k);
    await mapLimit(sinks, 8, (sink, j) => s.api.createActiveWorkflow(recordUpdatedToUpdate(`bench: fan-out ${k} #${j}`, object, sink)));
    const recs = await createRecords(s.api, object, samples + 1);
    await sampled(1, () => patchAndWait(s, object, recs[0]!, k, 0));
    const r = await sampled(samples, (i) => patchAndWait(s, object, recs[i + 1]!, k, i));
    const label = `${k} workflow${k === 1 ? '' : 's'}`;
    ctx.rows.push(
      latencyRow(
        FANOUT,
        `${label}: last first action started`,
        r.ok.map((x) => x.lastStartMs),
        r.errors,
        r.firstError,
      ),
    );
    ctx.rows.push(
      latencyRow(
        FANOUT,
        `${label}: all runs completed`,
        r.ok.map((x) => x.completedMs),
        0,
        "heard through a LISTEN on the runs' completion trigger",
      ),
    );
  }
}

/** Scenarios 4 and 5 share one stack (the trigger workflow listens to an object nothing else touches). */
export async function runRecordScenarios(ctx: Ctx, which: { trigger: boolean; fanout: boolean }, failures: string[]): Promise<void> {
  const guard = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      failures.push(`${what}: ${(e as Error).message}`);
      ctx.log(`FAILED ${what}: ${(e as Error).message.slice(0, 500)}`);
    }
  };
  await guard('4–5. record scenarios', () =>
    withConduit(ctx, (stack) =>
      withRecordRuns(stack, async (s) => {
        if (which.trigger)
          await guard('4. trigger latency', () => {
            ctx.log('4. trigger latency');
            return runTriggerLatency(ctx, s);
          });
        if (which.fanout) await guard('5. fan-out', () => runFanout(ctx, s));
      }),
    ),
  );
}

/** Workflows that never match the measured event: other objects, other trigger types, webhooks. */
function bystander(i: number, sink: string): Definition {
  const object = `bench_other_${i % 50}`;
  const touch = [{ id: 'touch', type: 'update_record' as const, object: SINK_OBJECT, recordId: sink, data: { i } }];
  switch (i % 5) {
    case 0:
      return { name: `bench: bystander ${i}`, trigger: { type: 'record_created', object }, actions: touch };
    case 1:
      return { name: `bench: bystander ${i}`, trigger: { type: 'record_updated', object }, actions: touch };
    case 2:
      return { name: `bench: bystander ${i}`, trigger: { type: 'record_deleted', object }, actions: touch };
    case 3:
      return { name: `bench: bystander ${i}`, trigger: { type: 'field_changed', object, field: 'stage', to: 'won' }, actions: touch };
    default:
      return { name: `bench: bystander ${i}`, trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false }, actions: touch };
  }
}

export async function runDispatchScale(ctx: Ctx): Promise<{ ratio: number; base: number; grown: number } | undefined> {
  const { scale, scaleSamples } = ctx.profile.fanout;
  const [small, large] = [scale[0]!, scale[scale.length - 1]!];
  return withConduit(ctx, (stack) =>
    withRecordRuns(stack, async (s) => {
      const [sink] = await sinkRecords(s.api, 1);
      await s.api.createActiveWorkflow(recordUpdatedToUpdate('bench: scale target', 'bench_scale', sink!));
      let active = 1;
      /*
       * Thousands of bystanders through the HTTP API would take minutes; they are created and
       * published with the same core domain services the API calls, straight on the stack's
       * database. Only the measured event goes through the API.
       */
      const { rows } = await s.stack.db.query<{ company_id: string }>('select company_id::text from workflows where workspace_id = $1 limit 1', [
        s.api.workspaceId,
      ]);
      const companyId = rows[0]?.company_id;
      if (!companyId) throw new Error('no workflow to take the company id from');
      const handle = await createDb({ url: s.stack.databaseUrl, migrate: false, poolSize: 8 });
      const grow = async (to: number) => {
        const t0 = Date.now();
        const idx = Array.from({ length: to - active }, (_, j) => active + j);
        const deadline = new Deadline(`creating ${idx.length} workflows`, 600_000);
        await mapLimit(idx, 8, async (i) => {
          deadline.check();
          const def = bystander(i, sink!);
          const draft = { name: def.name, trigger: WorkflowTriggerSchema.parse(def.trigger), actions: def.actions.map((a) => WorkflowActionSchema.parse(a)) };
          const wf = await createWorkflow(handle.db, { ...draft, workspaceId: s.api.workspaceId, companyId, createdBy: null });
          const done = await activateWorkflow(handle.db, { id: wf.id, workspaceId: s.api.workspaceId, publishedBy: null, draft });
          if (!done?.workflow.isActive) throw new Error(`workflow ${wf.id} did not activate`);
        });
        active = to;
        ctx.log(`5b. ${to} active workflows (added ${idx.length} in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      };
      const measure = async (label: string) => {
        const recs = await createRecords(s.api, 'bench_scale', scaleSamples + 2);
        await sampled(2, (i) => patchAndWait(s, 'bench_scale', recs[i]!, 1, i));
        const r = await sampled(scaleSamples, async (i) => {
          await sleep(SETTLE_MS);
          return patchAndWait(s, 'bench_scale', recs[i + 2]!, 1, i);
        });
        const row = latencyRow(
          SCALE,
          `${label} active workflows`,
          r.ok.map((x) => x.firstStartMs),
          r.errors,
          stageNote(r.ok, r.firstError),
        );
        ctx.rows.push(row);
        return median(row.metric.values);
      };
      try {
        await grow(small);
        const base = await measure(small.toLocaleString('en-US'));
        await grow(large);
        const { rows: n } = await s.stack.db.query<{ n: string }>('select count(*) as n from workflows where workspace_id = $1 and is_active', [
          s.api.workspaceId,
        ]);
        if (Number(n[0]?.n) !== large) throw new Error(`expected ${large} active workflows, found ${n[0]?.n}`);
        const grown = await measure(large.toLocaleString('en-US'));
        return { ratio: grown / base, base, grown };
      } finally {
        await handle.close();
      }
    }),
  );
}
