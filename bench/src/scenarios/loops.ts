import { pollUntil } from '../bounded';
import type { Row } from '../report/model';
import { postHook } from '../targets/conduit/api';
import { nowMs } from '../targets/conduit/observer';
import { N8N_PATHS } from '../targets/n8n/workflows';
import type { Ctx } from './context';
import { withConduit } from './conduitSession';
import { SINK_OBJECT } from './definitions';

export const LOOP = '8. for_each: one update_record per item, webhook → run completed';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * A webhook carries N item ids; one `for_each` runs an `update_record` per item (the "loop
 * over 1,000 items of one update_record ≤ 5 s", and 10,000 items completing). Timed from the POST
 * to the execution row saying completed. n8n's peer (Loop Over Items → Set) is timed by runLoopsN8n.
 */
const loopSizes = (ctx: Ctx): number[] => (ctx.profile.name === 'quick' ? [100, 1_000] : [1_000, 10_000]);

export async function runLoops(ctx: Ctx): Promise<string[]> {
  const failures: string[] = [];
  const sizes = loopSizes(ctx);
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

/**
 * The same lists through n8n's Loop Over Items (one item per batch) and a Set node, timed from the
 * POST to the webhook's answer, which n8n sends when the last node has run. Runs while n8n is up
 * for scenarios 1–3, in the same bench run as Conduit's rows.
 */
export async function runLoopsN8n(ctx: Ctx): Promise<string[]> {
  const n8n = ctx.n8n;
  if (!n8n) return [];
  const failures: string[] = [];
  for (const n of loopSizes(ctx)) {
    ctx.log(`${LOOP}: ${n} items, n8n`);
    const t0 = nowMs();
    try {
      const r = await fetch(n8n.webhookUrl(N8N_PATHS.loop), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: Array.from({ length: n }, (_, i) => i) }),
        signal: AbortSignal.timeout(30 * 60_000),
      });
      const answer = (await r.json().catch(() => null)) as unknown;
      const ms = nowMs() - t0;
      if (!r.ok) throw new Error(`n8n answered ${r.status}`);
      // The answer is the Done node's items: every iteration's Set output, so a short list means a cut loop.
      const got = Array.isArray(answer) ? answer.length : answer && typeof answer === 'object' ? 1 : 0;
      if (got !== n) throw new Error(`n8n's loop answered with ${got} items, expected ${n}`);
      ctx.log(`  n8n ${n} items: ${(ms / 1000).toFixed(1)} s (${(ms / n).toFixed(2)} ms per item)`);
      ctx.rows.push({
        scenario: LOOP,
        variant: `${n.toLocaleString('en-US')} items`,
        target: 'n8n',
        metric: { unit: 'ms', higherIsBetter: false, values: [ms] },
        runs: 1,
        errors: 0,
        note: 'Loop Over Items (batch size 1) → Set, answered when the loop is done',
        figures: { items: n, perItemMs: ms / n },
      });
    } catch (e) {
      failures.push(`${LOOP} (${n} items, n8n): ${(e as Error).message}`);
    }
  }
  return failures;
}
