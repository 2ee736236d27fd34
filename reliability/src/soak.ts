import { parseArgs } from 'node:util';
import { recordSoak } from './soak/record';
import { formatSoakTable, runSoak, soakProblems, type SoakSqs } from './soak/run';

/**
 * `npm run soak -w reliability -- --events 10000 [--sqs elasticmq|moto] [--sqs-endpoint URL] [--seed N] [--rate 100] [--concurrency 32] [--no-faults]`
 * Starts its own PostgreSQL, Temporal dev server and SQS server (ElasticMQ unless told otherwise;
 * SOAK_SQS_ENDPOINT or --sqs-endpoint points it at one already running), runs the soak, prints the
 * table, writes reliability/results/soak-full.json (then `npm run report -w reliability`).
 */
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    rate: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    'no-faults': { type: 'boolean', default: false },
    'drain-timeout': { type: 'string', default: '900' },
    sqs: { type: 'string', default: 'elasticmq' },
    'sqs-endpoint': { type: 'string' },
    'temporal-outage': { type: 'string' },
  },
});
const endpoint = values['sqs-endpoint'] ?? process.env.SOAK_SQS_ENDPOINT;
if (!endpoint && values.sqs !== 'elasticmq' && values.sqs !== 'moto') throw new Error('--sqs must be elasticmq or moto');
const sqs: SoakSqs = endpoint ? { kind: 'endpoint', endpoint } : { kind: values.sqs as 'elasticmq' | 'moto' };
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
  sqs,
  ...(values['temporal-outage'] ? { temporalOutageMs: Number(values['temporal-outage']) * 1_000 } : {}),
  drainTimeoutMs: Number(values['drain-timeout']) * 1_000,
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(process.env.TEST_DATABASE_URL ? { postgresServerUrl: process.env.TEST_DATABASE_URL } : {}),
  log: (l) => console.log(l),
});
console.log(formatSoakTable(result));
console.log('faults injected:', result.faults);
const flags = [
  `--events ${events}`,
  values.rate === '100' ? '' : `--rate ${values.rate}`,
  endpoint ? `--sqs-endpoint ${endpoint}` : values.sqs === 'elasticmq' ? '' : `--sqs ${values.sqs}`,
  values['temporal-outage'] ? `--temporal-outage ${values['temporal-outage']}` : '',
]
  .filter(Boolean)
  .join(' ');
const file = recordSoak(result, {
  command: `npm run soak -w reliability -- ${flags}`,
  durationMs: Date.now() - t0,
  kind: values['temporal-outage'] ? 'temporal-outage' : 'full',
});
console.log(`results: ${file}`);
const problems = soakProblems(result);
if (problems.length) {
  console.error(`FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('OK: nothing lost, nothing duplicated');
