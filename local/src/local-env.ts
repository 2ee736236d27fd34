import { z } from 'zod';

/**
 * Settings only the local launcher reads (the product's own settings are in @conduit/core/config).
 * Validated like every other boundary.
 */
const LocalEnvSchema = z.object({
  /** Interface the one local port listens on; 0.0.0.0 to reach it from other machines. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Temporal CLI binary; else `temporal` on PATH; else the Temporal SDK's cached download. */
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** Ports of the embedded Temporal dev server (gRPC, UI); taken when free, else any free port. */
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_DEV_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /** Outbox sweep period: re-sends events that were committed but never dispatched. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /** How often runs queued behind a workspace's concurrent-run limit are checked for a free slot. */
  PROMOTE_INTERVAL_MS: z.coerce.number().int().min(50).default(200),
  /** `false` starts no Temporal worker in this process: runs wait for a separate worker (compose's worker service). */
  RUN_WORKER: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  /** Retention pass period: deletes finished runs, steps and events past each workspace's retention. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  /** `false` skips building and serving the web app (API only). */
  SERVE_WEB: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
});
export type LocalEnv = z.infer<typeof LocalEnvSchema>;

export function loadLocalEnv(env: Record<string, string | undefined>): LocalEnv {
  const parsed = LocalEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid launcher settings:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
