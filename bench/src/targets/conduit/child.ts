/**
 * Runs the Conduit stack in its own process, so the bench's load drivers and DB pollers never
 * share an event loop with the system under test. Prints one READY line, stops on SIGTERM.
 *
 * Without a database URL and a Temporal address it is the embedded default `npm start` runs
 * (PGlite in the data folder, its own Temporal dev server, everything else in this process); the
 * bench cannot reach PGlite from outside, so this process forwards each finished run as one
 * output line (the same trigger the bench installs on PostgreSQL, heard in-process).
 */
import { findUserByEmail, listUserWorkspaces, setWorkspaceLimits } from '@conduit/core/domain';
import { z } from 'zod';
import { startStack } from '@conduit/local/stack';
import { INSTALL_RUN_DONE_TRIGGER, RUN_DONE_CHANNEL, RUN_DONE_LINE } from './observer';

const READY = 'CONDUIT_BENCH_STACK_READY ';

const OptsSchema = z.object({
  dataDir: z.string(),
  port: z.number().int(),
  databaseUrl: z.string().optional(),
  temporalAddress: z.string().optional(),
  dispatch: z.boolean(),
});

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
// The bench measures the engine, not a tenant's policy: the demo workspace's limits are lifted, since
// the product's defaults would refuse and queue the offered load by design (docs/limits.md).
const demo = await findUserByEmail(stack.database.db, stack.login.email);
for (const ws of demo ? await listUserWorkspaces(stack.database.db, demo.id) : [])
  await setWorkspaceLimits(stack.database.db, ws.id, { eventsPerSecond: null, maxConcurrentRuns: null, monthlyRunQuota: null });
const pglite = stack.database.pglite;
if (pglite) {
  await pglite.exec(INSTALL_RUN_DONE_TRIGGER);
  await pglite.listen(RUN_DONE_CHANNEL, (payload) => process.stdout.write(`${RUN_DONE_LINE}${payload}\n`));
}
process.stdout.write(
  `${READY}${JSON.stringify({ url: stack.url, login: stack.login, temporalPid: stack.temporalPid, temporalAddress: stack.temporalAddress })}\n`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
