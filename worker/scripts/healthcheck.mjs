// Container health check (Docker HEALTHCHECK and the ECS task definition): exit 0 when the worker's
// health endpoint answers 200, else 1. Plain JavaScript so it starts in milliseconds without tsx.
const port = Number(process.env.HEALTH_PORT ?? 8080);
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
