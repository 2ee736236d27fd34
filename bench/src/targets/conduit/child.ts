/**
 * Runs the Conduit stack in its own process, so the bench's load drivers and DB pollers never
 * share an event loop with the system under test. Prints one READY line, stops on SIGTERM.
 */
import { z } from 'zod';
import { startStack } from '@conduit/local/stack';

const READY = 'CONDUIT_BENCH_STACK_READY ';

const OptsSchema = z.object({ dataDir: z.string(), port: z.number().int(), databaseUrl: z.string(), temporalAddress: z.string(), dispatch: z.boolean() });

const opts = OptsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
// No web app (the bench never loads it) and quiet logs (logging every request would be measured too).
const stack = await startStack({
  ...opts,
  web: false,
  logLevel: 'warn',
  // A part of the stack died: exit, so the bench sees the failure instead of measuring a husk.
  onFatal: (err) => {
    process.stderr.write(`stack failed: ${err.message}\n`);
    process.exit(70);
  },
});
process.stdout.write(`${READY}${JSON.stringify({ url: stack.url, login: stack.login })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
