// Container health check (Docker HEALTHCHECK and the ECS task definition). Exit 0 = healthy.
//
// 1. If the worker serves GET http://127.0.0.1:$HEALTH_PORT/healthz, its answer decides.
// 2. Otherwise (nothing listens), ask Temporal whether a worker on this host is polling the task
//    queue: Temporal's default worker identity is `<pid>@<hostname>`, and each task has its own
//    hostname. A poller not seen for POLLER_STALE_MS means the worker is hung or disconnected.
// Plain JavaScript so it starts without tsx.
import { hostname } from 'node:os';

const port = Number(process.env.HEALTH_PORT ?? 8080);
const POLLER_STALE_MS = 2 * 60_000;

async function viaEndpoint() {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch (err) {
    // Connection refused: the worker has no health endpoint; anything else is an answer.
    const code = err?.cause?.code;
    return code === 'ECONNREFUSED' ? undefined : false;
  }
}

async function viaTemporal() {
  const { Connection } = await import('@temporalio/client');
  const apiKey = process.env.TEMPORAL_API_KEY;
  const connection = await Connection.connect({
    address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233',
    ...(apiKey ? { apiKey, tls: true } : {}),
    connectTimeout: 3000,
  });
  try {
    const { pollers = [] } = await connection.workflowService.describeTaskQueue({
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: { name: process.env.TASK_QUEUE ?? 'conduit-runs', kind: 1 /* NORMAL */ },
      taskQueueType: 1 /* WORKFLOW */,
    });
    const suffix = `@${process.env.HEALTH_IDENTITY_HOST ?? hostname()}`;
    return pollers.some((p) => {
      if (!p.identity?.endsWith(suffix)) return false;
      const seenMs = Number(p.lastAccessTime?.seconds ?? 0) * 1000;
      return Date.now() - seenMs < POLLER_STALE_MS;
    });
  } finally {
    await connection.close();
  }
}

try {
  const answer = (await viaEndpoint()) ?? (await viaTemporal());
  process.exit(answer ? 0 : 1);
} catch {
  process.exit(1);
}
