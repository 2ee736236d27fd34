import { parseArgs } from 'node:util';
import { createRecorder } from './results';
import { runSteady, STEADY_LIMITS, steadyProblems, type SteadyResult } from './steady/run';

/**
 * `npm run steady -w reliability -- [--minutes 30] [--rate 5] [--warmup-minutes 5] [--sample-seconds 10] [--database-url postgres://…]`
 * The product as `npm start` runs it, a fixed webhook rate for a long while; writes
 * reliability/results/steady.json (then `npm run report -w reliability` refreshes RELIABILITY.md).
 */
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '5' },
    'warmup-minutes': { type: 'string' },
    'sample-seconds': { type: 'string', default: '10' },
    'database-url': { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error('--minutes must be more than 0 and at most 1440');
if (!(rate > 0 && rate <= 1_000)) throw new Error('--rate must be more than 0 and at most 1000');
const warmupMinutes = values['warmup-minutes'] ? Number(values['warmup-minutes']) : Math.min(5, minutes / 5);
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abort.abort(new Error(`${sig}: stopping`)));
const t0 = Date.now();
const r = await runSteady({
  durationMs: minutes * 60_000,
  rate,
  warmupMs: warmupMinutes * 60_000,
  sampleMs: Number(values['sample-seconds']) * 1_000,
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
  signal: abort.signal,
  log: (l) => console.log(l),
});
const problems = steadyProblems(r);
const file = record(r, problems, Date.now() - t0);
console.log(`results: ${file}`);
if (problems.length) {
  console.error(`FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('OK: memory and handles flat after warm-up, no rising latency, nothing lost');

function record(r: SteadyResult, problems: string[], durationMs: number): string {
  const mb = (b: number) => Number((b / 2 ** 20).toFixed(1));
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const flags = [
    `--minutes ${minutes}`,
    rate === 5 ? '' : `--rate ${rate}`,
    values['warmup-minutes'] ? `--warmup-minutes ${values['warmup-minutes']}` : '',
    values['database-url'] ? '--database-url …' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const rec = createRecorder({
    family: 'steady',
    title: 'Steady state (documented command, not in CI)',
    command: `npm run steady -w reliability -- ${flags}`,
    notes: [
      `The product as \`npm start\` runs it (one Node process; ${r.database}; its own Temporal dev server), ${r.rate} webhooks`,
      `a second to one webhook workflow whose action posts to a local sink, for ${r.durationMs / 60_000} minutes. The process samples itself`,
      `every few seconds: RSS, heap used${r.heapAfterGc ? ' (after a full collection, --expose-gc)' : ''}, process.getActiveResourcesInfo() and /proc/self/fd.`,
      `Growth compares the median of the first window after ${(r.warmupMs / 60_000).toFixed(1)} minutes of warm-up with the median of the last window`,
      `(limit ${pct(STEADY_LIMITS.growth)}). Latency is send → the effect at the sink; its trend is the least-squares slope of each minute's median.`,
    ],
  });
  const figures: Array<[string, number | string]> = [
    ['webhooks sent', r.sent],
    ['accepted (202)', r.accepted],
    ['refused or unanswered', r.refused],
    ['effects at the sink', r.effects],
    ['lost', r.lost],
    ['RSS after warm-up → end (MB)', `${mb(r.growth.rss.baseline)} → ${mb(r.growth.rss.final)} (${pct(r.growth.rss.growth)})`],
    ['heap used after warm-up → end (MB)', `${mb(r.growth.heap.baseline)} → ${mb(r.growth.heap.final)} (${pct(r.growth.heap.growth)})`],
    ['active resources after warm-up → end', `${r.growth.activeResources.baseline} → ${r.growth.activeResources.final}`],
    ['open fds after warm-up → end', `${r.growth.openFds.baseline} → ${r.growth.openFds.final}`],
    [
      'Temporal dev server RSS after warm-up → end (MB)',
      `${mb(r.growth.temporalRss.baseline)} → ${mb(r.growth.temporalRss.final)} (${pct(r.growth.temporalRss.growth)})`,
    ],
    ['latency p50 after warm-up (ms)', Number(r.trend.level.toFixed(1))],
    ['latency trend (ms per minute)', Number(r.trend.slopeMsPerMinute.toFixed(3))],
    ['latency rise predicted over the run', `${r.trend.riseMs.toFixed(1)} ms (${pct(r.trend.rise)})`],
    ['ingress 202 p50 after warm-up (ms)', Number(r.ingressTrend.level.toFixed(1))],
    ['ingress trend (ms per minute)', Number(r.ingressTrend.slopeMsPerMinute.toFixed(3))],
    ['samples', r.samples.length],
  ];
  for (const [k, v] of figures) rec.set(k, v);
  for (const m of r.minutes) {
    const s = r.samples.filter((x) => x.at >= r.samples[0]!.at + m.minute * 60_000).at(0);
    rec.row({
      minute: m.minute + 1,
      events: m.events,
      'latency p50 (ms)': m.p50,
      'p95 (ms)': m.p95,
      'ingress p50 (ms)': m.ingressP50,
      'RSS (MB)': s ? mb(s.rssBytes) : '',
      'heap (MB)': s ? mb(s.heapUsedBytes) : '',
      handles: s?.activeResources ?? '',
      fds: s?.openFds ?? '',
    });
  }
  rec.check(
    `growth after warm-up ≤ ${pct(STEADY_LIMITS.growth)} (RSS, heap, handles, fds), no rising latency, nothing lost`,
    problems.length ? 'failed' : 'passed',
    problems.join('; ') || undefined,
  );
  return rec.write(undefined, durationMs);
}
