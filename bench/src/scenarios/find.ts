import type { Row } from '../report/model';
import { summarize } from '../stats';
import { postHook } from '../targets/conduit/api';
import { openCompletionObserver } from '../targets/conduit/observer';
import type { Ctx } from './context';
import { withConduit } from './conduitSession';

export const FIND = "7. find_records by one field's equality";

/**
 * Scenario 7: a webhook run whose one step finds a contact by email among `records` contacts. The
 * figure is the step's own start→end from its row (the query, its parsing and the step's own
 * bookkeeping), not the run around it. The records are written in one SQL statement (100,000 API
 * calls would measure the API instead), then analysed, as a database that has lived a while is.
 */
export async function runFind(ctx: Ctx): Promise<string[]> {
  const { records, warmup, samples } = ctx.profile.find;
  try {
    await withConduit(ctx, async (s) => {
      ctx.log(`7. find: writing ${records.toLocaleString('en-US')} contacts`);
      await s.stack.db.query(
        `insert into records (workspace_id, object, data)
         select $1::uuid, 'contact', jsonb_build_object('email', 'user' || g || '@example.com', 'name', 'User ' || g, 'score', g % 100, 'stage', (array['lead','customer','churned'])[1 + g % 3])
           from generate_series(1, $2::int) g`,
        [s.api.workspaceId, records],
      );
      await s.stack.db.query('analyze records');
      const wf = await s.api.createActiveWorkflow({
        name: 'bench find',
        trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false },
        actions: [
          { id: 'find', type: 'find_records', object: 'contact', where: { all: [{ left: 'email', op: 'eq', right: '{{trigger.body.email}}' }] }, limit: 10 },
        ],
      });
      if (!wf.hookId) throw new Error('the activated webhook workflow has no hook id');
      const observer = await openCompletionObserver(s.stack.databaseUrl, wf.id);
      const measured: string[] = [];
      try {
        for (let i = 0; i < warmup + samples; i++) {
          const n = 1 + Math.floor(Math.random() * records);
          const eventId = await postHook(s.stack.url, wf.hookId, { email: `user${n}@example.com` });
          const done = await observer.wait(eventId, 60_000);
          if (done.status !== 'completed') throw new Error(`run ended ${done.status}`);
          if (i >= warmup) measured.push(eventId);
        }
      } finally {
        await observer.close();
      }
      const { rows } = await s.stack.db.query<{ ms: number; count: number }>(
        `select extract(epoch from (s.completed_at - s.started_at)) * 1000 as ms, (s.output->>'count')::int as count
           from execution_steps s join workflow_executions e on e.id = s.execution_id
          where e.workflow_id = $1 and e.event_id = any($2::uuid[]) and s.action_id = 'find' and s.completed_at is not null`,
        [wf.id, measured],
      );
      const wrong = rows.filter((r) => Number(r.count) !== 1).length;
      const ms = rows.map((r) => Number(r.ms));
      const row: Row = {
        scenario: FIND,
        variant: `${records.toLocaleString('en-US')} records of one object`,
        target: 'conduit',
        metric: { unit: 'ms in the step', higherIsBetter: false, values: ms },
        latency: summarize(ms),
        runs: ms.length,
        errors: wrong + (samples - ms.length),
        note: `a step's own start→end over ${ms.length} runs, each finding 1 of ${records.toLocaleString('en-US')} contacts by email (GIN jsonb_path_ops)`,
      };
      ctx.rows.push(row);
      ctx.log(`7. find: p50 ${row.latency!.p50.toFixed(2)} ms, p99 ${row.latency!.p99.toFixed(2)} ms over ${ms.length} runs`);
    });
    return [];
  } catch (e) {
    return [`7. find: ${(e as Error).message.slice(0, 1_000)}`];
  }
}
