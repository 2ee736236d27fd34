/**
 * Prints the monthly cost estimate of docs/deploy.md ("What it costs"): idle, and per million runs of
 * a typical workflow. Temporal actions are counted from real run histories (recorded on the Temporal
 * dev server by worker/scripts/record-histories.ts); worker throughput is read from BENCHMARKS.md.
 *
 *   npm run cost -w infra
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTemporalActions, DEFAULT_DEPLOYMENT, estimate, PRICES, WEBHOOK_RUN, type CostLine } from '../src/cost';
import { REPO_ROOT } from '../src/paths';

/** The typical workflow: the recorded run of every action kind (email, record changes, webhook, scripts, a wait). */
const TYPICAL = 'every-action';
/** For contrast: seven light steps (records, scripts, a condition), all local activities. */
const LIGHT = 'segments';

const history = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'worker/test/histories', `${name}.json`), 'utf8')) as unknown;

function measuredRunsPerSecond(): number {
  const bench = readFileSync(join(REPO_ROOT, 'BENCHMARKS.md'), 'utf8');
  const rates = [...bench.matchAll(/\| concurrency \d+ \| conduit \| ([\d.]+) runs\/s/g)].map((m) => Number(m[1]));
  if (rates.length === 0) throw new Error('BENCHMARKS.md has no end-to-end runs/s for conduit (npm run bench)');
  return Math.max(...rates);
}

const usd = (n: number) => (n === 0 ? '$0' : n < 0.01 ? '< $0.01' : `$${n.toFixed(2)}`);

function table(lines: CostLine[]): string {
  const rows = lines.map((l) => `| ${l.part} | ${usd(l.idle)} | ${usd(l.perMillionRuns)} | ${l.note} |`);
  const idle = lines.reduce((a, l) => a + l.idle, 0);
  const perM = lines.reduce((a, l) => a + l.perMillionRuns, 0);
  return ['| Part | Idle, per month | Per million runs | From |', '|---|---|---|---|', ...rows, `| **Total** | **${usd(idle)}** | **${usd(perM)}** | |`].join(
    '\n',
  );
}

const runsPerSecond = measuredRunsPerSecond();
for (const [label, name] of [
  ['Typical workflow', TYPICAL],
  ['Light workflow', LIGHT],
] as const) {
  const actions = countTemporalActions(history(name));
  const lines = estimate({ ...WEBHOOK_RUN, temporalActions: actions.total, workerRunsPerSecond: runsPerSecond }, DEFAULT_DEPLOYMENT);
  const kinds = Object.entries(actions.byKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  console.log(`\n**${label}** (\`${name}\`): ${actions.total} Temporal actions per run: ${kinds}.\n\n${table(lines)}`);
}
const { read, ...prices } = PRICES;
console.log(
  `\nPrices used, ${read}:\n\n| Price | USD |\n|---|---|\n${Object.entries(prices)
    .map(([k, v]) => `| \`${k}\` | ${v} |`)
    .join('\n')}`,
);
