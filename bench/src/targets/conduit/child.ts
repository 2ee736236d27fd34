/**
 * Runs the Conduit stack in its own process, so the bench's load drivers and DB pollers never
 * share an event loop with the system under test. Prints one READY line, stops on SIGTERM.
 */
import { z } from 'zod';
import { startStack } from '@conduit/local/stack';

export const READY = 'CONDUIT_BENCH_STACK_READY ';

const OptsSchema = z.object({ dataDir: z.string(), port: z.number().int(), databaseUrl: z.string(), temporalAddress: z.string() });

const opts = OptsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const stack = await startStack(opts);
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
