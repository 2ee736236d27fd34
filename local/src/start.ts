/**
 * `npm start`: the whole product on this machine with no setup (see docs/local.md).
 * Ctrl-C or SIGTERM stops every part, child processes included; the data stays in DATA_DIR.
 */
import { startStack, type Stack } from './stack';

const started = Date.now();
let stack: Stack | undefined;
let stopping: Promise<void> | undefined;
// A Ctrl-C while still starting stops what has started so far.
const starting = new AbortController();
let startup: Promise<Stack> | undefined;

async function shutdown(code: number, reason: string): Promise<void> {
  if (stopping) return stopping;
  stopping = (async () => {
    process.stderr.write(`\nStopping Conduit (${reason})…\n`);
    try {
      if (stack) await stack.stop();
      else {
        starting.abort();
        // Parts still starting register and are stopped as they finish; wait for all of them.
        const late = await startup?.catch(() => undefined);
        await late?.stop();
      }
      process.stderr.write('Stopped. Data kept; `npm start` picks up where it left off.\n');
    } catch (e) {
      process.stderr.write(`Stopping failed: ${e instanceof Error ? e.message : String(e)}\n`);
      code = code || 1;
    }
    process.exit(code);
  })();
  return stopping;
}

let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C while stopping means "now": leave at once.
    if (++signals > 1 && signal === 'SIGINT') process.exit(130);
    void shutdown(0, signal);
  });
}

try {
  startup = startStack({ signal: starting.signal, onFatal: (err) => void shutdown(1, err.message) });
  stack = await startup;
} catch (e) {
  // Aborted by a signal: shutdown() is already waiting for the parts to stop and will exit.
  if (!starting.signal.aborted) {
    process.stderr.write(`\nConduit could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

if (stack && !stopping) {
  const lines = [
    '',
    `Conduit is running (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    `  App:          ${stack.url}`,
    `  Temporal UI:  ${stack.temporalUiUrl ?? '(none: the Temporal server is external and TEMPORAL_UI_URL is not set)'}`,
    `  Log in as:    ${stack.login.email}  /  ${stack.login.password}`,
    `  Invite:       a colleague under Settings → Members (or: npm run admin -- invite --workspace ${stack.login.workspaceSlug} --email …)`,
    `  Data folder:  ${stack.config.DATA_DIR}`,
    '  Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
