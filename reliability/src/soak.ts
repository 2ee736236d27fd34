import { parseArgs } from 'node:util';
import { recordSoak } from './soak/record';
import { formatSoakTable, runSoak, soakProblems } from './soak/run';

/**
 * `npm run soak -w reliability -- --events 10000 [--seed N] [--rate 100] [--concurrency 32] [--no-faults]`
 * Starts its own PostgreSQL, Temporal dev server and moto, runs the soak, prints the table, writes
 * reliability/results/soak.json (then `npm run report -w reliability` refreshes RELIABILITY.md).
 */
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    rate: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    'no-faults': { type: 'boolean', default: false },
    'drain-timeout': { type: 'string', default: '900' },
  },
});
const events = Number(values.events);
if (!Number.isInteger(events) || events < 1 || events > 1_000_000) throw new Error('--events must be an integer from 1 to 1,000,000');
const t0 = Date.now();
// Ctrl-C (or a CI timeout's SIGTERM) stops the load and still stops every process the soak started.
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abort.abort(new Error(`${sig}: stopping the soak`)));
const result = await runSoak({
  signal: abort.signal,
  events,
  rate: Number(values.rate),
  concurrency: Number(values.concurrency),
  faults: !values['no-faults'],
  drainTimeoutMs: Number(values['drain-timeout']) * 1_000,
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(process.env.TEST_DATABASE_URL ? { postgresServerUrl: process.env.TEST_DATABASE_URL } : {}),
  log: (l) => console.log(l),
});
console.log(formatSoakTable(result));
console.log('faults injected:', result.faults);
const file = recordSoak(result, { command: `npm run soak -w reliability -- --events ${events}`, durationMs: Date.now() - t0 });
console.log(`results: ${file}`);
const problems = soakProblems(result);
if (problems.length) {
  console.error(`FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('OK: nothing lost, nothing duplicated');
