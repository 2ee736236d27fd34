import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1');
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** Every setting the services read, from the environment, validated once at start-up. */
export const ConfigSchema = z.object({
  NODE_ENV: z.string().default('development'),
  /** Empty: PGlite under DATA_DIR. postgres://…: PostgreSQL (Neon for *.neon.tech). memory://: throwaway PGlite. */
  DATABASE_URL: z.string().optional(),
  /** `neon`: a postgres:// URL goes through Neon's serverless driver whatever its host (the Lambdas set it). Unset or empty: chosen by the URL. */
  DATABASE_DRIVER: z.enum(['neon', '']).optional(),
  DATA_DIR: z.string().default('.data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  PUBLIC_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_API_KEY: z.string().optional(),
  /** mTLS: the client certificate and its private key, PEM text (Secrets Manager in the cloud); both or neither. */
  TEMPORAL_TLS_CLIENT_CERT_DATA: z.string().optional(),
  TEMPORAL_TLS_CLIENT_KEY_DATA: z.string().optional(),
  /** The server's root CA (PEM), for a self-hosted cluster whose certificate no public CA issued. */
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: z.string().optional(),
  /** The TLS server name to verify, when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** `true`: allow a plaintext, unauthenticated connection to a non-loopback Temporal (a private network only). */
  TEMPORAL_ALLOW_INSECURE: bool.default(false),
  TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),
  /** A prebuilt workflow bundle (worker/scripts/build.ts makes one) the standalone worker loads instead of bundling at start; empty: bundle at start. */
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  /** 32 bytes, base64 or hex: AES-256-GCM key for secrets at rest. The local launcher generates one. */
  ENCRYPTION_KEY: z.string().optional(),
  /**
   * Earlier ENCRYPTION_KEY values, comma-separated, kept after a rotation so Temporal payloads written
   * under them still decrypt (runs in flight, histories); nothing is encrypted with them any more.
   */
  ENCRYPTION_KEYS_OLD: csv.default([]),
  /**
   * Who may use the Temporal codec endpoint: empty, an admin of any workspace (one team's own
   * deployment); a workspace id or slug, only that workspace's admins (a deployment hosting others).
   */
  TEMPORAL_CODEC_WORKSPACE: z.string().optional(),
  /** Empty: in-process queue (local). Otherwise the SQS queue URL. */
  SQS_QUEUE_URL: z.string().optional(),
  SQS_ENDPOINT: z.string().url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  /** smtp://user:pass@host:port; empty keeps mail in the dev inbox. `ses` uses Amazon SES. */
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Conduit <workflows@conduit.localhost>'),
  /** Hosts or CIDRs that outgoing webhooks may reach even though they are private (tests, self-hosters). */
  HTTP_ALLOWLIST: csv.default([]),
  WEBHOOK_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Requests per second one webhook accepts (a token bucket per hook and ingress process); beyond it, 429 with Retry-After. */
  WEBHOOK_RATE_LIMIT: z.coerce.number().int().min(1).default(10_000),
  /** Requests a quiet hook may take at once above its rate; empty: twice WEBHOOK_RATE_LIMIT. */
  WEBHOOK_RATE_BURST: z.coerce.number().int().min(1).optional(),
  LOOP_DEPTH_LIMIT: z.coerce.number().int().min(1).max(50).default(5),
  /**
   * Workflow starts one process sends Temporal at once; more wait their turn, round-robin across
   * workspaces (docs/fairness.md). 3 measured best on the local stack (docs/bench.md).
   */
  RUN_START_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(3),
  /** Events the in-process queue dispatches at once (SQS_QUEUE_URL unset); the waiting ones take turns across workspaces. */
  EVENT_DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(4),
  /**
   * Events per second arriving at the in-process queue above which it dispatches one at a time, so
   * the one process accepts a flood first and runs it after (docs/local.md); 0 turns that off.
   */
  EVENT_DISPATCH_BURST_RATE: z.coerce.number().int().min(0).max(1_000_000).default(500),
  SECURE_COOKIES: bool.default(false),
  /** Apply pending migrations when a process opens the database (local default). The cloud migrates in a deploy step and turns this off. */
  MIGRATE_ON_START: bool.default(true),
  /** Worker: reconcile every Temporal Schedule with the database at start, under a database lock (the cloud worker sets it). */
  RECONCILE_SCHEDULES_ON_START: bool.default(false),
  /** Worker: activities (and local activities) it runs at once; the database pool is sized to match. */
  WORKER_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(1000).default(40),
  /**
   * Standalone worker: how often it asks which workspaces have runs queued behind their concurrent-run
   * limit; a run of theirs ending here then starts the next at once.
   */
  WORKER_PROMOTE_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
  /** Worker: database connections; empty = WORKER_ACTIVITY_SLOTS (each running activity holds at most one). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).optional(),
  /**
   * Worker: a workflow activation's time limit in ms, enforced by Node's vm timeout. 0 (default) = none:
   * Node makes a watchdog thread for every call into the workflow's context when it is set, which cost
   * 2-7 ms of CPU per run (docs/bench.md). The workflow code is Conduit's own interpreter, whose
   * expressions have no loops; people's scripts run in the sandbox activity with limits of their own.
   */
  WORKFLOW_ACTIVATION_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  /** Worker: seconds in-flight activities get to finish after SIGTERM (keep below the container's stop timeout). */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(100),
  /** Worker: the port of GET /healthz (liveness, no Temporal or database call); empty = none. */
  HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Worker: the Stage dimension of the Temporal metrics it writes as CloudWatch embedded metric format; empty = off. */
  CLOUDWATCH_METRICS_STAGE: z.string().optional(),
  /**
   * OpenTelemetry traces go over OTLP/HTTP to this base URL (`/v1/traces` is appended), e.g.
   * http://localhost:4318 for a local collector or Jaeger; empty: tracing is off (no SDK is loaded).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.union([z.literal(''), z.string().regex(/^https?:\/\/[^/\s]/, 'an http:// or https:// URL')]).optional(),
  /**
   * Headers on every OTLP export, `key=value` pairs separated by commas (values URL-encoded), as the
   * OpenTelemetry spec defines them: e.g. `x-honeycomb-team=<API key>`. A secret: keep it in the runtime secret.
   */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  /** The `service.name` on every span; empty: the process's own (`conduit` locally, `conduit-functions` on Lambda, `conduit-worker`). */
  OTEL_SERVICE_NAME: z.string().optional(),
  /** `open`: anyone may sign up, creating a workspace with themselves as its first admin. */
  SIGNUP: z.enum(['closed', 'open']).default('closed'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The address mailed links start with when no request names one: PUBLIC_URL, else the local app. */
export const appBaseUrl = (config: Pick<Config, 'PUBLIC_URL' | 'PORT'>): string => (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
