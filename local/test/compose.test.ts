import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '@conduit/core/config';
import { REPO_ROOT } from '../src/web-build';

/**
 * docker-compose.local.yml, loaded as Docker Compose loads it (compose-go: the Compose
 * specification's schema, interpolation and consistency checks) by local/compose-check, then held
 * to what running the whole product needs. No Docker engine is involved.
 */
const run = promisify(execFile);
const CHECK_DIR = join(REPO_ROOT, 'local/compose-check');
const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.local.yml');

const Condition = z.enum(['service_started', 'service_healthy', 'service_completed_successfully']);
const ServiceSchema = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  environment: z.record(z.string(), z.string().nullable()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: Condition, required: z.boolean() })).optional(),
  healthcheck: z.object({ test: z.array(z.string()).min(2), disable: z.boolean().optional() }).optional(),
});
const ProjectSchema = z.object({ name: z.string(), services: z.record(z.string(), ServiceSchema) });
type Service = z.infer<typeof ServiceSchema>;

/** A Go on PATH, or where the Go distribution installs itself. */
const goBinary = () => ['go', '/usr/local/go/bin/go', '/usr/lib/go-1.23/bin/go'].find((g) => g === 'go' || existsSync(g))!;

let checker: string;
/** Built once per version of its sources, kept in the user's cache across checkouts (a cold build takes a minute or two). */
async function buildChecker(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(CHECK_DIR, f)));
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'conduit');
  const bin = join(dir, `compose-check-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    await run(goBinary(), ['build', '-o', bin, '.'], { cwd: CHECK_DIR, env: { ...process.env, CGO_ENABLED: '0' } });
  }
  return bin;
}
const load = async (file: string) => ProjectSchema.parse(JSON.parse((await run(checker, [file], { cwd: REPO_ROOT, maxBuffer: 8 * 1024 * 1024 })).stdout));

let services: Record<string, Service>;
beforeAll(async () => {
  checker = await buildChecker();
  services = (await load(COMPOSE_FILE)).services;
}, 400_000);

const hostOf = (url: string) => new URL(url.includes('://') ? url : `tcp://${url}`).hostname;

describe('docker-compose.local.yml', () => {
  it('runs the whole product: app and worker built from the repository, beside their services', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'mailpit', 'postgres', 'sqs', 'temporal', 'worker']);
    for (const name of ['app', 'worker']) {
      const build = services[name]!.build!;
      expect(build.context, name).toBe(REPO_ROOT.replace(/\/$/, ''));
      expect(existsSync(join(build.context, build.dockerfile)), `${name}: ${build.dockerfile}`).toBe(true);
    }
    expect(services.worker!.build!.dockerfile).toBe('worker/Dockerfile');
    // The deprecated auto-setup image is gone; Temporal is the official CLI image's server.
    expect(services.temporal!.image).toMatch(/^temporalio\/temporal:\d+\.\d+\.\d+$/);
  });

  it('starts each part only once what it needs is healthy, and every such need has a health check', () => {
    const needs = (name: string) => Object.fromEntries(Object.entries(services[name]!.depends_on ?? {}).map(([k, v]) => [k, v.condition]));
    expect(needs('app')).toMatchObject({ postgres: 'service_healthy', temporal: 'service_healthy' });
    // The app migrates the database at start; the worker (MIGRATE_ON_START=false) waits for it.
    expect(needs('worker')).toMatchObject({ app: 'service_healthy', temporal: 'service_healthy' });
    expect(services.worker!.environment!.MIGRATE_ON_START).toBe('false');
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(needs(name))) {
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck?.test[0], `${name} → ${dep}`).toMatch(/^CMD(-SHELL)?$/);
      }
      if (['app', 'worker', 'postgres', 'temporal'].includes(name)) expect(s.healthcheck?.disable ?? false, name).toBe(false);
    }
    expect(services.worker!.healthcheck!.test).toEqual(['CMD', 'node', 'worker/scripts/healthcheck.mjs']);
  });

  it('points the app and the worker at the services by name, with one valid encryption key', () => {
    const app = services.app!.environment!;
    const worker = services.worker!.environment!;
    for (const env of [app, worker]) {
      for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SQS_ENDPOINT', 'SMTP_URL']) expect(Object.keys(services), key).toContain(hostOf(env[key]!));
      const config = loadConfig(Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== null)));
      expect(config.ENCRYPTION_KEY).toBeTruthy();
    }
    expect(worker.ENCRYPTION_KEY).toBe(app.ENCRYPTION_KEY);
    expect(worker.DATABASE_URL).toBe(app.DATABASE_URL);
  });

  it('is checked by a loader that rejects what Compose rejects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conduit-compose-'));
    const broken = join(dir, 'compose.yml');
    writeFileSync(broken, 'services:\n  app:\n    image: x\n    depends_on:\n      missing:\n        condition: service_healthy\n');
    await expect(load(broken)).rejects.toThrow(/missing/);
    writeFileSync(broken, 'services:\n  app:\n    image: x\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: often\n');
    await expect(load(broken)).rejects.toThrow(/interval|duration/);
  });
});
