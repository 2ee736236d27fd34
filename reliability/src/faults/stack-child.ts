/**
 * The long-fault tests' system under test: the product as `npm start` runs it (startStack: API,
 * ingress, in-process queue, dispatcher, outbox sweeper and worker in one process), on PGlite in
 * `dataDir` or on the PostgreSQL server `databaseUrl` names, with the test's Temporal dev server.
 * Seeds one unsigned webhook workflow (a record, a 1 s wait, then a `send_webhook` to the test's sink) and an
 * admin API key, prints READY with what the test needs, and stops on SIGTERM. A crash (an unhandled
 * rejection, an 'error' event nobody listens to) ends the process, which is what the tests watch for.
 */
import { z } from 'zod';
import { createApiKey } from '@conduit/core/domain';
import { startStack } from '@conduit/local/stack';
import { seedWebhookWorkflow, seedWorkspace } from '../fixtures';
import { FAULT_READY_LINE, type FaultReady } from './protocol';

const OptsSchema = z.object({
  dataDir: z.string(),
  databaseUrl: z.string().optional(),
  temporalAddress: z.string(),
  sinkUrl: z.string().url(),
  /** Seed nothing: a restart on a data folder that already holds the workspace. */
  reopen: z.boolean().default(false),
});

async function main() {
  const opts = OptsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const stack = await startStack({
    env: { ...process.env, HTTP_ALLOWLIST: '127.0.0.1' },
    dataDir: opts.dataDir,
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    temporalAddress: opts.temporalAddress,
    port: 0,
    host: '127.0.0.1',
    web: false,
    logLevel: 'error',
    sweepIntervalMs: 1_000,
    onFatal: (err) => {
      process.stderr.write(`stack failed: ${err.message}\n`);
      process.exit(70);
    },
  });
  const stop = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  if (opts.reopen) {
    process.stdout.write(`${FAULT_READY_LINE}${JSON.stringify({ url: stack.url, hookId: '', workspaceId: '', apiKey: '' })}\n`);
    return;
  }
  const { db } = stack.database;
  const ws = await seedWorkspace(db, 'faults');
  const hook = await seedWebhookWorkflow(db, {
    ...ws,
    auth: 'none',
    name: 'long faults',
    actions: [
      { id: 'keep', type: 'create_record', object: 'fault_event', data: { n: '{{trigger.body.n}}' } },
      // Keeps each run open a moment, so a fault finds runs in flight and not only finished ones.
      { id: 'pause', type: 'wait', duration: '1s' },
      {
        id: 'effect',
        type: 'send_webhook',
        method: 'POST',
        url: opts.sinkUrl,
        timeoutMs: 5_000,
        body: { event: '{{trigger.body.n}}' },
        retry: { maxAttempts: 8, initialIntervalMs: 500, backoffCoefficient: 2, maxIntervalMs: 4_000 },
      },
    ],
  });
  const { key } = await createApiKey(db, { workspaceId: ws.workspaceId, name: 'faults', role: 'admin', createdBy: null, expiresAt: null });
  const ready: FaultReady = { url: stack.url, hookId: hook.hookId, workspaceId: ws.workspaceId, apiKey: key };
  process.stdout.write(`${FAULT_READY_LINE}${JSON.stringify(ready)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
