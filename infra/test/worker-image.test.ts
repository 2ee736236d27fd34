import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/paths';
import { WORKER_HEALTH_PORT } from '../src/worker';

const run = promisify(execFile);
const dockerfile = readFileSync(join(REPO_ROOT, 'worker/Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((l) => l.replace(/\s+/g, ' ').trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (/^FROM /i.test(line)) acc.push([line]);
  else acc.at(-1)?.push(line);
  return acc;
}, []);
const final = stages.at(-1)!;

// Without Docker here, the Dockerfile is checked by reading it, and its scripts by running them.
describe('worker image', () => {
  it('is multi-stage and runs as a non-root user in the final stage', () => {
    expect(stages.map((s) => s[0]!.split(/\s+AS\s+/i)[1])).toEqual(['manifests', 'build', 'runtime']);
    // The final stage starts from the manifests on the base image, not from the build stage with its dev dependencies.
    expect(stages[0]![0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS manifests$/);
    expect(final[0]).toBe('FROM manifests AS runtime');
    const user = final.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBe('USER node');
    expect(final.indexOf(user!)).toBeLessThan(final.findIndex((l) => l.startsWith('CMD ')));
  });

  // Installing and running that stage is worker/test/image.test.ts; here the settings ECS relies on.
  it('compiles at build time, prebuilt workflow bundle included, and points the worker at it', () => {
    const build = stages[1]!;
    const out = /worker\/scripts\/build\.ts --out (\S+)/.exec(build.find((l) => l.includes('worker/scripts/build.ts'))!)![1]!;
    const env = final.find((l) => l.startsWith('ENV '))!;
    expect(env).toContain(`WORKFLOW_BUNDLE_PATH=/app/${out}/workflow-bundle.js`);
    expect(env).toContain(`HEALTH_PORT=${WORKER_HEALTH_PORT}`);
    expect(final).toContain('HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["node", "worker/scripts/healthcheck.mjs"]');
    expect(final).toContain(`COPY --from=build /app/${out} ${out}`);
    expect(final.at(-1)).toBe(`CMD ["node", "--enable-source-maps", "${out}/worker/src/main.js"]`);
  });

  describe('healthcheck.mjs', () => {
    let server: Server | undefined;
    afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

    const serve = (status: number) =>
      new Promise<number>((resolve) => {
        server = createServer((req, res) => {
          res.statusCode = req.url === '/healthz' ? status : 404;
          res.end();
        }).listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
      });
    const check = async (port: number, env: Record<string, string> = {}) => {
      try {
        await run(process.execPath, [join(REPO_ROOT, 'worker/scripts/healthcheck.mjs')], {
          cwd: REPO_ROOT,
          env: { PATH: process.env.PATH ?? '', HEALTH_PORT: String(port), TEMPORAL_ADDRESS: '127.0.0.1:1', ...env },
        });
        return 0;
      } catch (err) {
        return (err as { code: number }).code;
      }
    };

    it('passes when /healthz answers 200', async () => {
      expect(await check(await serve(200))).toBe(0);
    });
    it('fails when /healthz answers 503', async () => {
      expect(await check(await serve(503))).toBe(1);
    });
    const closedPort = async () => {
      const port = await serve(200);
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
      return port;
    };

    it('fails when nothing listens and Temporal is unreachable', async () => {
      expect(await check(await closedPort())).toBe(1);
    });

    const temporal = process.env.TEST_TEMPORAL_ADDRESS;
    it.skipIf(!temporal)('without an endpoint, passes only while a worker on this host polls the task queue', async () => {
      const { Connection } = await import('@temporalio/client');
      const connection = await Connection.connect({ address: temporal! });
      const taskQueue = `health-${randomUUID()}`;
      const abort = new AbortController();
      // Long polls with a worker-style identity are what a running worker does (several at once,
      // which also covers the task queue's root partition that DescribeTaskQueue reads).
      const poll = Promise.all(
        Array.from({ length: 5 }, () =>
          connection
            .withAbortSignal(abort.signal, () =>
              connection.withDeadline(Date.now() + 70_000, () =>
                connection.workflowService.pollWorkflowTaskQueue({
                  namespace: 'default',
                  taskQueue: { name: taskQueue, kind: 1 },
                  identity: '4242@worker-host-a',
                }),
              ),
            )
            .catch(() => undefined),
        ),
      );
      try {
        const port = await closedPort();
        const env = { TEMPORAL_ADDRESS: temporal!, TASK_QUEUE: taskQueue };
        let healthy = 1;
        for (let i = 0; i < 10 && healthy !== 0; i++) {
          healthy = await check(port, { ...env, HEALTH_IDENTITY_HOST: 'worker-host-a' });
          if (healthy !== 0) await new Promise((r) => setTimeout(r, 300));
        }
        expect(healthy).toBe(0);
        expect(await check(port, { ...env, HEALTH_IDENTITY_HOST: 'worker-host-b' })).toBe(1);
      } finally {
        abort.abort();
        await poll;
        await connection.close();
      }
    });
  });
});
