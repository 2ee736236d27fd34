import { basename } from 'node:path';
import type { Report, Row } from './model';
import { STAGES } from '../targets/conduit/costs';
import { bytes, describeRatio, errorsOf, headline, ms, num, peerOf, ratio, systemCpuPerRun } from './format';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const WHAT: Record<string, string> = {
  '1.': "autocannon (its own process) posts JSON to one webhook for a fixed time. Conduit: `POST /hooks/:hookId` answered 202 once the event is committed to PostgreSQL (default durability: fsync on, synchronous commit). The ingress is measured alone, as it runs in the cloud (its own Lambda): the stack stores the events and dispatches none, so no worker shares the cores; scenario 2 measures the whole path, runs included. The **`npm start` (PGlite)** rows are the embedded default a new user runs, measured with dispatch on: its runs share the process and PGlite with the ingress, as they do on a laptop. n8n: a Webhook → Set workflow with `responseMode: lastNode`, so its answer comes when the run has finished; before its measurement the bench waits until the runs left by the warm-up are done. Latency is autocannon's (1 ms resolution); p50/p99 are the median of the rounds' percentiles.",
  '2.': 'Closed loop: each client posts to the webhook and waits for its run to complete before the next request. Conduit: webhook → `update_record`, completion observed through LISTEN/NOTIFY on a bench-only trigger on `workflow_executions` (no polling, so the observer costs the system nothing between completions); n8n: Webhook → Set, completion = the HTTP answer; its **queue mode** rows run the same workflow on a main process and one worker with Redis and PostgreSQL, as n8n documents it. The **`npm start` (PGlite)** rows are the embedded default a new user runs (PGlite and the dispatcher and worker in one process, its own Temporal dev server); its process hears the completion trigger itself and prints it, so those rows have no SQL counts or stage split. runs/s = completed runs ÷ wall time.',
  '2b.':
    "Run after scenario 2, on a dev server started as the stack starts it: a closed loop of workflows shaped like Conduit's run of one light step (eager start, one local activity, a fairness key), with nothing of Conduit in them: no HTTP, no database, no step. A client counts a run done when its activity ran. Its CPU per run is a floor under Conduit's: while every run is its own Temporal workflow, no change to Conduit's own code can go below it. The cost table reads as scenario 2's; the Node process is the Temporal client and worker together.",
  '3.': 'One client, one run at a time, request → run completed. Conduit: 40 `update_record` (or 40 trivial `run_script`) after a webhook trigger; n8n: 40 chained Code nodes after a webhook. Per-step figures divide the run by 40.',
  '4.': "A `record_updated` workflow; PATCH a record through the API and take the first step row's `started_at` (stamped by the worker when the action starts; same machine, same clock) minus the moment the PATCH was sent. One sample at a time, twice: with each PATCH sent 100 ms after the previous run was seen completed (the goal's row: a trigger on a quiet stack, after Temporal has closed the previous workflow and the dispatcher has handled the event of its sink update), and back to back, as soon as it was seen completed. The bench hears each run end through the same completion trigger as scenario 2, then reads the times from the rows once (no polling while it waits). The note splits the median by stage, from the rows' own clocks: event stored, claim begun (the run row's `created_at`), run started in Temporal (the event's `dispatched_at`), first action.",
  '5.': 'N active workflows listen to the same object; one PATCH must start N runs. Times are from sending the PATCH.',
  '5b': 'The same trigger-latency measurement (samples 100 ms apart) with few and then many active workflows in the workspace (the extra workflows listen to other objects or are webhooks, so the event still matches one; they are published with the core domain services, straight on the database).',
  '9.': 'Resident memory (VmRSS from /proc) of every process of each system, 20 s after it is ready with no runs: `npm start` as a new user runs it (fresh data folder: PGlite, the Temporal dev server, the API, ingress, dispatcher, worker and web in one Node process), the worker alone as the cloud runs it (PostgreSQL and Temporal outside it), and n8n with its SQLite default. Pages shared between processes are counted in each, as `ps` does.',
  '7.': "One run at a time: a webhook run whose one step is `find_records` on `contact` where email equals the posted address, among 100,000 contacts of one workspace (written in one SQL statement, then analysed). The figure is the step's own start→end from its row: the query (GIN `jsonb_path_ops` containment), its parsing and the step's bookkeeping; every run must find exactly one record.",
};

function table(rows: Row[], all: Row[]): string[] {
  const out = [
    '| Variant | Target | Median | p50 ms | p99 ms | min ms | max ms | Runs | Errors | Refused (429) | vs n8n | Note |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|',
  ];
  for (const r of rows) {
    const peer = peerOf(r, all);
    const vs = peer ? describeRatio(r, ratio(r, peer)) : r.target === 'n8n' ? 'baseline' : '–';
    out.push(
      `| ${cell(r.variant)} | ${r.target} | ${num(headline(r), r.metric.unit)} | ${ms(r.latency?.p50)} | ${ms(r.latency?.p99)} | ${ms(r.latency?.min)} | ${ms(r.latency?.max)} | ${r.runs} | ${r.errors} | ${r.refused ?? 0} | ${vs} | ${cell(r.note ?? '')} |`,
    );
  }
  return out;
}

/** What one completed run cost each system in scenario 2: CPU of every process, SQL statements, Temporal history. */
function costTable(rows: Row[]): string[] {
  const withCost = rows.filter((r) => Object.keys(r.figures ?? {}).some((k) => k.startsWith('cpu:')));
  if (!withCost.length) return [];
  const out = [
    '#### Cost per completed run',
    '',
    'CPU milliseconds each process spent during the measured window (user + system, the process and its children, from /proc) divided by the runs completed in it; "system total" leaves out the bench client, which is the load generator, not the system. SQL statements from `pg_stat_statements` on the stack\'s database (the bench\'s own queries excluded); history events and workflow tasks from the Temporal histories of completed runs (median); peak memory: the highest resident memory of each process tree sampled every 500 ms during the window.',
    '',
    '| Variant | Target | CPU ms per run, system total | by process | bench client | SQL statements | Temporal history events | Workflow tasks | Peak memory, MiB |',
    '|---|---|--:|---|--:|--:|--:|--:|---|',
  ];
  for (const r of withCost) {
    const f = r.figures!;
    const cpu = Object.entries(f).filter(([k]) => k.startsWith('cpu:') && k !== 'cpu:bench client');
    const total = systemCpuPerRun(r) ?? 0;
    const by = cpu.map(([k, v]) => `${k.slice(4)} ${num(v)}`).join(' · ');
    const opt = (k: string) => (f[k] === undefined ? '–' : num(f[k]));
    out.push(
      `| ${cell(r.variant)} | ${r.target} | ${num(total)} | ${cell(by)} | ${opt('cpu:bench client')} | ${opt('SQL statements')} | ${opt('Temporal history events')} | ${opt('workflow tasks')} |`,
    );
  }
  out.push('');
  const staged = withCost.filter((r) => STAGES.some((st) => r.figures?.[`p99:${st}`] !== undefined));
  if (staged.length) {
    out.push(
      '#### Where the time of a run goes, median run and slowest 1 %',
      '',
      "Each stage is the time since the previous one, from the rows' own clocks (same machine): webhook sent → event stored (the ingress) → run row created by the dispatcher's claim → started in Temporal (the event marked dispatched, or the step's beginning when that came first: the mark is written after Temporal accepted the start) → the step began (worker) → the step ended → the bench saw the run completed (workflow completion, its row, the notification). p50: the median of each stage over all runs; p99: the mean of each stage over the runs whose total was at or above the p99, so a slow tail names the stage it waits in.",
      '',
      `| Variant | Figure | ${STAGES.join(' | ')} |`,
      `|---|---|${STAGES.map(() => '--:').join('|')}|`,
    );
    for (const r of staged) {
      for (const q of ['p50', 'p99'])
        out.push(`| ${cell(r.variant)} | ${q} ms | ${STAGES.map((st) => num(r.figures![`${q}:${st}`] ?? Number.NaN)).join(' | ')} |`);
    }
    out.push('');
  }
  return out;
}

export function renderMarkdown(report: Report, chartFile: string): string {
  const m = report.machine;
  const tookMin = (report.finishedAt.getTime() - report.startedAt.getTime()) / 60_000;
  const errors = errorsOf(report.rows, 'conduit');
  const peerErrors = errorsOf(report.rows, 'n8n');
  const ok = report.failures.length === 0 && errors === 0;
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench${report.profile === 'quick' ? ' -- --quick' : ''}\` on ${report.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC ` +
      `(profile **${report.profile}**, ${tookMin.toFixed(1)} min). Every number below was measured in that one run; ` +
      'this file and the chart are written by the script, never by hand. How to rerun and what each scenario measures: [docs/bench.md](docs/bench.md).',
    '',
    ok
      ? peerErrors === 0
        ? `**Result: every scenario ran, 0 errors.**`
        : `**Result: every scenario ran, 0 errors in Conduit's rows. n8n: ${peerErrors} request error(s), shown in its rows' Errors column with the cause in their notes; a row of n8n with errors is not used to judge a target.**`
      : `**Result: FAILED — ${report.failures.length} scenario failure(s), ${errors} request error(s) in Conduit's rows${peerErrors ? ` (n8n: ${peerErrors})` : ''}; see below.**`,
    '',
    report.n8nStatus.ok
      ? `Side by side with **n8n ${report.n8nStatus.version}** (SQLite default, legacy expression engine, no task runners), measured A/B/A/B on the same machine in the same run. "vs n8n" is Conduit ÷ n8n for the median figure (geometric mean of each round's ratio).`
      : `**n8n was not compared in this run: ${report.n8nStatus.reason}** Conduit's figures are reported alone.`,
    '',
    `![Benchmark chart](${basename(chartFile)})`,
    '',
    '## Machine and versions',
    '',
    '| CPU | Cores | Memory | OS | Load average at start (1/5/15 min) |',
    '|---|--:|--:|---|---|',
    `| ${cell(m.cpuModel)} | ${m.cores} | ${m.memoryGiB} GiB | ${cell(m.os)} | ${m.loadAvg.join(' / ')} |`,
    '',
    '| Component | Version |',
    '|---|---|',
    ...Object.entries(report.versions).map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`),
    '',
  ];
  if (report.goals.length) {
    lines.push('## Speed targets from the issues', '', '| Target | Source | Measured | Met |', '|---|---|---|---|');
    for (const g of report.goals) lines.push(`| ${cell(g.goal)} | ${g.source} | ${cell(g.measured)} | ${g.met === null ? '–' : g.met ? 'yes' : '**no**'} |`);
    lines.push('');
  }
  lines.push('## Results', '');
  const scenarios = [...new Set(report.rows.map((r) => r.scenario))];
  for (const s of scenarios) {
    lines.push(`### ${s}`, '');
    const what = Object.entries(WHAT).find(([k]) => s.startsWith(k))?.[1];
    if (what) lines.push(what, '');
    lines.push(
      ...table(
        report.rows.filter((r) => r.scenario === s),
        report.rows,
      ),
      '',
    );
    if (s.startsWith('2.') || s.startsWith('2b.')) lines.push(...costTable(report.rows.filter((r) => r.scenario === s)));
  }
  if (report.sizes.length) {
    lines.push(
      '### 6. Sizes',
      '',
      "Web: `vite build` of web/, the entry chunk and its static imports, gzip -9. Lambdas: the deployment's own esbuild bundling (infra/src/bundle.ts); cold import = median of 5 fresh `node` processes importing the bundle. Worker: apparent size of every package folder npm lists for the worker.",
      '',
    );
    lines.push('| Artifact | Size | gzip | Loaded at start | Limit (loaded / shipped) | Cold import | Note |', '|---|--:|--:|--:|--:|--:|---|');
    for (const z of report.sizes) {
      const limit = z.totalLimitBytes === undefined ? bytes(z.limitBytes) : `${bytes(z.limitBytes)} / ${bytes(z.totalLimitBytes)}`;
      lines.push(
        `| ${cell(z.artifact)} | ${bytes(z.bytes)} | ${bytes(z.gzipBytes)} | ${bytes(z.loadedBytes)} | ${limit} | ${z.importMs?.length ? `${num(z.importMs[0]!)} ms` : '–'} | ${cell(z.note ?? '')} |`,
      );
    }
    lines.push('');
  }
  if (report.failures.length) {
    lines.push('## Failures', '', ...report.failures.map((f) => `- ${cell(f).slice(0, 600)}`), '');
  }
  lines.push(
    '## How these were measured',
    '',
    '- Conduit runs as `startStack` in a child process of the bench against a throwaway PostgreSQL 15 cluster with its default durability (fsync and synchronous commit on) and an in-memory `temporal server start-dev`; scenario 1 starts a fresh stack (new database, new Temporal) for every measurement.',
    '- n8n runs from a cached install outside the project (`~/.cache/conduit-bench/n8n`) with a fresh user folder and its SQLite default.',
    '- Every measurement follows a warm-up of the same shape; warm-up figures are discarded.',
    '- Errors are requests that failed, were answered non-2xx, timed out or were never answered, and runs that did not complete; any error makes `npm run bench` exit non-zero. A 429 from the per-hook rate limit is the product refusing by design: it is counted under "Refused (429)", not as an error, and the row\'s note says so. The bench sets `WEBHOOK_RATE_LIMIT` above its offered load, so a refusal there means the limit is set too low.',
    '- Requests go to 127.0.0.1 only. Medians are over rounds for throughput and over samples for latency.',
    ...report.notes.map((n) => `- ${n}`),
    '',
  );
  return lines.join('\n');
}
