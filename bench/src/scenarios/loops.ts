import { pollUntil } from '../bounded';
import type { Row } from '../report/model';
import { postHook } from '../targets/conduit/api';
import { nowMs } from '../targets/conduit/observer';
import type { Ctx } from './context';
import { withConduit } from './conduitSession';
import { SINK_OBJECT } from './definitions';

export const LOOP = '8. for_each: one update_record per item, webhook → run completed';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * A webhook carries N item ids; one `for_each` runs an `update_record` per item (the "loop
 * over 1,000 items of one update_record ≤ 5 s", and 10,000 items completing). Timed from the POST
 * to the execution row saying completed. Conduit only: n8n's Loop Over Items is not measured here.
 */
export async function runLoops(ctx: Ctx): Promise<string[]> {
  const failures: string[] = [];
  const sizes = ctx.profile.name === 'quick' ? [100, 1_000] : [1_000, 10_000];
  await withConduit(ctx, async (s) => {
    const sink = await s.api.createRecord(SINK_OBJECT, { n: 0 });
    const wf = await s.api.createActiveWorkflow({
      name: 'bench: for_each',
      trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false },
      actions: [
        {
          id: 'loop',
          type: 'for_each',
          items: '{{trigger.body.items}}',
          maxItems: 10_000,
          steps: [{ id: 'save', type: 'update_record', object: SINK_OBJECT, recordId: sink, data: { n: '{{item}}' } }],
        },
      ],
    });
    for (const n of sizes) {
      ctx.log(`${LOOP}: ${n} items`);
      const t0 = nowMs();
      try {
        const eventId = await postHook(s.stack.url, wf.hookId!, { items: Array.from({ length: n }, (_, i) => i) });
        const run = await pollUntil(
          `the ${n}-item loop`,
          async () => {
            const { rows } = await s.stack.db.query<{ status: string; error: string | null }>(
              'select status, error from workflow_executions where workspace_id = $1 and event_id = $2',
              [s.api.workspaceId, eventId],
            );
            return rows[0] && TERMINAL.has(rows[0].status) ? rows[0] : undefined;
          },
          { ms: 30 * 60_000, intervalMs: 20 },
        );
        const ms = nowMs() - t0;
        if (run.status !== 'completed') throw new Error(`the run ended ${run.status}: ${run.error}`);
        const { rows } = await s.stack.db.query<{ count: string }>(
          "select count(*) from execution_steps s join workflow_executions e on e.id = s.execution_id where e.event_id = $1 and s.path like 'actions[0]#%'",
          [eventId],
        );
        if (Number(rows[0]!.count) !== n) throw new Error(`expected ${n} iteration rows, saw ${rows[0]!.count}`);
        ctx.log(`  ${n} items: ${(ms / 1000).toFixed(1)} s (${(ms / n).toFixed(2)} ms per item)`);
        const row: Row = {
          scenario: LOOP,
          variant: `${n.toLocaleString('en-US')} items`,
          target: 'conduit',
          metric: { unit: 'ms', higherIsBetter: false, values: [ms] },
          runs: 1,
          errors: 0,
          figures: { items: n, perItemMs: ms / n },
        };
        ctx.rows.push(row);
      } catch (e) {
        failures.push(`${LOOP} (${n} items): ${(e as Error).message}`);
      }
    }
  });
  return failures;
}
