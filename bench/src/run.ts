/**
 * `npm run bench`: Conduit's benchmarks, side by side with n8n, written to BENCHMARKS.md and a
 * chart next to it. Exits non-zero when any scenario fails or any request errs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startPostgres } from '@conduit/local/testing';
import { cleanupAll, onCleanup, stopOnSignals } from './cleanup';
import { describeMachine, describeVersions } from './machine';
import { parseArgs } from './options';
import { renderChart } from './report/chart';
import { errorsOf } from './report/format';
import { evaluateGoals } from './report/goals';
import { renderMarkdown } from './report/markdown';
import type { Report } from './report/model';
import type { Ctx } from './scenarios/context';
import { runFind } from './scenarios/find';
import { runDispatchScale, runRecordScenarios } from './scenarios/recordTriggers';
import { runSideBySide } from './scenarios/sideBySide';
import { runSizes } from './scenarios/sizes';
import { runTemporalFloor } from './scenarios/temporalFloor';
import { runLoops, runLoopsN8n } from './scenarios/loops';
import { runMemory } from './scenarios/memory';
import { runNoisy } from './scenarios/noisy';
import { ensureN8n } from './targets/n8n/install';
import { startN8n } from './targets/n8n/server';

const opts = parseArgs(process.argv.slice(2));
stopOnSignals();
const startedAt = new Date();
const log = (s: string) => console.log(`[bench +${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)}s] ${s}`);
const machine = describeMachine();
const versions = describeVersions();
const has = (s: (typeof opts.only)[number]) => opts.only.includes(s);
const sideBySide = { ingress: has('ingress'), e2e: has('e2e'), steps: has('steps') };
const needsStack =
  sideBySide.ingress || sideBySide.e2e || sideBySide.steps || has('trigger') || has('fanout') || has('find') || has('loop') || has('memory') || has('noisy');

log(`profile ${opts.profile.name}; scenarios ${opts.only.join(', ')}; ${machine.cores} × ${machine.cpuModel}, load ${machine.loadAvg.join('/')}`);

const failures: string[] = [];
const notes: string[] = [];
let n8nStatus: Report['n8nStatus'] = { ok: false, reason: 'scenarios 1–3 were not part of this run.' };
let dispatchRatio: number | undefined;
const ctx: Ctx = { profile: opts.profile, pgUrl: '', n8n: null, log, rows: [], sizes: [], notes };

async function guard(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = `${what}: ${(e as Error).message}`;
    log(`FAILED ${msg.slice(0, 2_000)}`);
    failures.push(msg);
  }
}

try {
  if (needsStack) {
    // PostgreSQL's default durability (fsync, synchronous commit): a 202 means the event is on disk.
    const pg = await startPostgres({ durable: true, statements: true });
    onCleanup(pg.stop);
    ctx.pgUrl = pg.url;
    ctx.pgPid = pg.pid;
    log(`PostgreSQL at ${pg.url}`);
  }
  // n8n runs for the side-by-side scenarios and for the n8n half of the loop scenario.
  if (sideBySide.ingress || sideBySide.e2e || sideBySide.steps || has('loop')) {
    if (!opts.n8n) n8nStatus = { ok: false, reason: '`--no-n8n` was given.' };
    else {
      try {
        const install = await ensureN8n(opts.n8nDir, log);
        log(`n8n ${install.version}: starting`);
        ctx.n8nInstall = install;
        const n8n = await startN8n(install, log);
        onCleanup(n8n.stop);
        ctx.n8n = n8n;
        n8nStatus = { ok: true, version: n8n.version };
        versions.n8n = `${n8n.version} (SQLite, N8N_EXPRESSION_ENGINE=legacy, N8N_RUNNERS_ENABLED=false)`;
        log(`n8n ${n8n.version} up at ${n8n.url}`);
      } catch (e) {
        const reason = (e as Error).message.split('\n').slice(0, 3).join(' ').slice(0, 400);
        n8nStatus = { ok: false, reason: `it could not be installed or started here (${reason}).` };
        log(`n8n unavailable: ${reason}`);
      }
    }
    if (sideBySide.ingress || sideBySide.e2e || sideBySide.steps) failures.push(...(await runSideBySide(ctx, sideBySide)));
    if (has('loop')) failures.push(...(await runLoopsN8n(ctx)));
    // n8n is done; stop it so it takes no CPU from the Conduit-only scenarios.
    await ctx.n8n?.stop();
    ctx.n8n = null;
  }
  if (sideBySide.e2e) failures.push(...(await runTemporalFloor(ctx)));
  if (has('trigger') || has('fanout')) await runRecordScenarios(ctx, { trigger: has('trigger'), fanout: has('fanout') }, failures);
  if (has('fanout')) {
    await guard('5b. dispatch cost at scale', async () => {
      log('5b. dispatch cost vs active workflows');
      dispatchRatio = (await runDispatchScale(ctx))?.ratio;
    });
  }
  if (has('sizes')) failures.push(...(await runSizes(ctx)));
  if (has('find')) failures.push(...(await runFind(ctx)));
  if (has('loop')) failures.push(...(await runLoops(ctx)));
  if (has('noisy')) failures.push(...(await runNoisy(ctx)));
  // Last: it starts `npm start` and n8n afresh, each alone on the machine.
  if (has('memory')) failures.push(...(await runMemory(ctx, { enabled: opts.n8n, dir: opts.n8nDir })));
} catch (e) {
  failures.push(`bench: ${(e as Error).stack ?? (e as Error).message}`);
} finally {
  await cleanupAll();
}

const partial: Omit<Report, 'goals'> = {
  profile: opts.profile.name,
  startedAt,
  finishedAt: new Date(),
  machine,
  versions,
  rows: ctx.rows,
  sizes: ctx.sizes,
  n8nStatus,
  failures,
  notes,
};
const report: Report = { ...partial, goals: evaluateGoals(partial, dispatchRatio) };
const chartFile = join(dirname(opts.out), `${opts.out.replace(/^.*\//, '').replace(/\.md$/i, '')}.svg`);
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(chartFile, renderChart(report));
writeFileSync(opts.out, renderMarkdown(report, chartFile));

const errors = errorsOf(report.rows, 'conduit');
const peerErrors = errorsOf(report.rows, 'n8n');
log(`wrote ${opts.out} and ${chartFile}`);
for (const g of report.goals) log(`${g.met === null ? 'not judged' : g.met ? 'met   ' : 'NOT met'} ${g.goal}: ${g.measured}`);
// The peer's lost requests are its result, in its rows; only Conduit's errors and failed scenarios fail the bench.
if (peerErrors) log(`n8n: ${peerErrors} request error(s), reported in its rows`);
if (failures.length || errors) {
  log(`FAILED: ${failures.length} scenario failure(s), ${errors} request error(s) in Conduit's rows`);
  for (const f of failures) console.error(`  - ${f.slice(0, 1_000)}`);
  process.exit(1);
}
log('done: every scenario ran without errors');
process.exit(0);
