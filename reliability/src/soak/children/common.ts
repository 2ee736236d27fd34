import { loadConfig, type Config } from '@conduit/core/config';
import { createSqsQueue, type SqsQueue } from '@conduit/core/events';

/**
 * Shared start-up of the soak's child processes: the configuration from the environment the
 * orchestrator set, a READY line on stdout when listening, and a clean exit on SIGTERM.
 */
export function childConfig(): Config {
  return loadConfig(process.env);
}

export function sqsQueue(config: Config): SqsQueue {
  if (!config.SQS_QUEUE_URL) throw new Error('SQS_QUEUE_URL is required');
  return createSqsQueue({ queueUrl: config.SQS_QUEUE_URL, region: config.AWS_REGION, ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}) });
}

export function ready(fields: Record<string, string | number> = {}): void {
  process.stdout.write(`READY ${JSON.stringify(fields)}\n`);
}

export function onStop(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    const t = setTimeout(() => process.exit(0), 5_000);
    t.unref();
    void stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

export function die(what: string) {
  return (e: unknown) => {
    process.stderr.write(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  };
}
