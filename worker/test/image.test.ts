import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@conduit/core/config';
import { createDb, type DbHandle } from '@conduit/core/db';
import { createExecution, dbPayloadStore, getExecutionState, getRecord, listStepRows } from '@conduit/core/domain';
import { RUN_WORKFLOW, RunInputSchema, runWorkflowId, TASK_QUEUE } from '@conduit/core/temporal';
import { temporalDataConverter } from '@conduit/core/temporal-codec';
import { companies, sql, workflows, workspaces } from '@conduit/core/testing';
import type { WorkflowActionInput } from '@conduit/core/definition';
import { createDatabase, freePort, testEnv } from '@conduit/local/testing';

/**
 * The production image without a Docker engine: the runtime stage of worker/Dockerfile is carried
 * out as written (its COPY lines, its RUN lines verbatim with the npm cache, its ENV, USER and CMD)
 * in a temporary folder standing for /app, the build stage's output coming from the build stage's
 * own command. The worker started from there by the image's CMD runs a real workflow to the end
 * against the suite's Temporal server (a namespace of its own) and a new PostgreSQL database.
 */

/** The application layer's budget (node_modules + worker/dist), as documented in docs/deploy.md. */
const IMAGE_APP_BUDGET_MIB = 250;

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'worker/Dockerfile'), 'utf8'));
const stages = dockerfile.getInstructions().reduce<Instruction[][]>((acc, i) => {
  if (i.getKeyword() === 'FROM') acc.push([i]);
  else acc.at(-1)?.push(i);
  return acc;
}, []);
const stageName = (s: Instruction[]) => s[0]!.getArguments().at(-1)!.getValue();
const stageNamed = (name: string) => stages.find((s) => stageName(s) === name);
/** A stage with the stages it is built FROM before it (`FROM manifests AS runtime`), oldest first. */
const lineage = (stage: Instruction[]): Instruction[] => {
  const parent = stageNamed(stage[0]!.getArguments()[0]!.getValue());
  return [...(parent ? lineage(parent) : []), ...stage];
};
const runtime = lineage(stages.at(-1)!);
const build = lineage(stageNamed('build')!);
const of = (stage: Instruction[], keyword: string) => stage.filter((i) => i.getKeyword() === keyword);
const flag = (i: Instruction, name: string) =>
  (i as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> })
    .getFlags()
    .find((f) => f.getName() === name)
    ?.getValue();
const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
/** Exec-form arguments: `CMD ["node", "x"]` → ['node', 'x']. */
const execForm = (content: string) => JSON.parse(content.replace(/^CMD\s+/, '')) as string[];

const WORKDIR = args(of(runtime, 'WORKDIR').at(-1)!)[0]!;
const envOf = (stage: Instruction[]): Record<string, string> =>
  Object.fromEntries(
    of(stage, 'ENV').flatMap((i) =>
      (i as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> })
        .getProperties()
        .map((p) => [p.getName(), p.getValue() ?? '']),
    ),
  );
const env = envOf(runtime);

const DEV_ONLY = ['typescript', 'tsx', 'vitest', 'esbuild', '@biomejs/biome', 'knip', 'dockerfile-ast', 'smtp-server', 'drizzle-kit', '@conduit/local'];

let app: string;
let worker: ChildProcess | undefined;
let out = '';
let dbh: DbHandle;
let dbUrl: string;
let namespace: string;
let clientConn: Connection;
let healthPort: number;

const dirSize = async (dir: string): Promise<number> => {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
};
const until = async (what: () => Promise<boolean>, ms: number, label: string) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what().catch(() => false)) return;
    if (worker?.exitCode != null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${label}: timed out; worker output:\n${out.slice(-3_000)}`);
};
/** A RUN line as the builder runs it: `/bin/sh -c` in the working directory, the stage's ENV set. */
const shell = (command: string, cwd: string, stageEnv: Record<string, string>, extra: Record<string, string> = {}) =>
  run('/bin/sh', ['-c', command], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...stageEnv, ...extra },
    maxBuffer: 16 * 1024 * 1024,
  });

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'conduit-image-'));
  // Build stage: its last RUN compiles into worker/dist (the repository stands for its /app).
  await shell(of(build, 'RUN').at(-1)!.getArgumentsContent()!, ROOT, envOf(build));
  for (const i of runtime) {
    const keyword = i.getKeyword();
    if (keyword === 'COPY') {
      const [dest, ...sources] = args(i).reverse();
      const from = flag(i, 'from');
      for (const source of sources) {
        const src = from ? join(ROOT, source.replace(new RegExp(`^${WORKDIR}/`), '')) : join(ROOT, source);
        const target = join(app, dest!.endsWith('/') ? join(dest!, source.split('/').at(-1)!) : dest!);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(src, target, { recursive: true });
      }
    } else if (keyword === 'RUN') {
      // The cache mount stands for the machine's npm cache: offline when it has every package.
      await shell(i.getArgumentsContent()!, app, env, { npm_config_prefer_offline: 'true' });
    }
  }

  dbUrl = await createDatabase(testEnv.databaseServerUrl());
  dbh = await createDb({ url: dbUrl, migrate: false });
  namespace = `image-${randomUUID().slice(0, 8)}`;
  clientConn = await Connection.connect({ address: testEnv.temporalAddress() });
  await clientConn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  healthPort = await freePort();
  const cmd = execForm(of(runtime, 'CMD').at(-1)!.getArgumentsContent()!);
  // Only the image's environment and the deployment's settings: nothing of this test process (no tsx loader).
  const imageEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith(`${WORKDIR}/`) ? join(app, v.slice(WORKDIR.length)) : v]));
  worker = spawn(cmd[0] === 'node' ? process.execPath : cmd[0]!, cmd.slice(1), {
    cwd: app,
    env: {
      PATH: process.env.PATH ?? '',
      ...imageEnv,
      HEALTH_PORT: String(healthPort),
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: testEnv.temporalAddress(),
      TEMPORAL_NAMESPACE: namespace,
      ENCRYPTION_KEY: 'b'.repeat(64),
      WORKER_SHUTDOWN_GRACE_SECONDS: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  worker.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await until(async () => (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).ok, 120_000, 'the worker never became healthy');
}, 240_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await clientConn?.close();
  await dbh?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('the worker image (worker/Dockerfile, run without Docker)', () => {
  it('runs compiled JavaScript as a non-root user, on production dependencies within the size budget', async () => {
    const users = of(runtime, 'USER').map((i) => args(i)[0]);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const cmd = execForm(of(runtime, 'CMD').at(-1)!.getArgumentsContent()!);
    expect(cmd[0]).toBe('node');
    expect(cmd.join(' ')).not.toMatch(/tsx|\.ts\b/);
    expect(existsSync(join(app, cmd.at(-1)!))).toBe(true);
    // Nothing of the sources but what the compiled output finds beside itself.
    expect(existsSync(join(app, 'core/src'))).toBe(false);
    expect(existsSync(join(app, 'worker/src'))).toBe(false);
    for (const name of DEV_ONLY) expect(existsSync(join(app, 'node_modules', name)), name).toBe(false);
    const mib = ((await dirSize(join(app, 'node_modules'))) + (await dirSize(join(app, 'worker/dist')))) / 2 ** 20;
    expect(mib).toBeLessThan(IMAGE_APP_BUDGET_MIB);
    // patches/ applied to the image's own install: activations run without a watchdog thread per call.
    expect(readFileSync(join(app, 'node_modules/@temporalio/worker/lib/workflow/reusable-vm.js'), 'utf8')).toContain('conduit-patch');
    expect(out).not.toContain('without its patch');
  });

  it('has migrated the empty database at start and passes its own health check', async () => {
    const [healthcheck] = of(runtime, 'HEALTHCHECK');
    const check = execForm(healthcheck!.getArgumentsContent()!.replace(/^(--\S+\s+)*/, ''));
    await shell(check.map((a) => `'${a}'`).join(' '), app, env, { HEALTH_PORT: String(healthPort) });
    // Every migration of the repository, applied by the worker from the folder shipped in the image.
    const journal = JSON.parse(readFileSync(join(ROOT, 'core/drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const applied = (await dbh.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)) as { rows: Array<{ n: number }> };
    expect(applied.rows[0]!.n).toBe(journal.entries.length);
  });

  it('runs a workflow to the end: a script in the sandbox, then a record written to PostgreSQL', async () => {
    const db = dbh.db;
    const [ws] = await db
      .insert(workspaces)
      .values({ name: 'Image', slug: `img-${randomUUID().slice(0, 8)}` })
      .returning();
    const [co] = await db.insert(companies).values({ workspaceId: ws!.id, name: 'Acme' }).returning();
    const actions: WorkflowActionInput[] = [
      { id: 'score', type: 'run_script', code: 'return { score: input.trigger.n * 2 }' },
      { id: 'made', type: 'create_record', object: 'task', data: { title: 'Score {{steps.score.output.score}}' } },
    ];
    const [wf] = await db
      .insert(workflows)
      .values({ name: 'image', workspaceId: ws!.id, companyId: co!.id, trigger: { type: 'manual' } as never, actions: actions as never })
      .returning();
    const { execution } = await createExecution(db, { workspaceId: ws!.id, workflowId: wf!.id, versionId: null, eventId: null, input: {}, retryOf: null });
    const client = new Client({
      connection: clientConn,
      namespace,
      dataConverter: temporalDataConverter(loadConfig({ ENCRYPTION_KEY: 'b'.repeat(64) }), dbPayloadStore(dbh.db)),
    });
    const input = RunInputSchema.parse({
      executionId: execution.id,
      workspaceId: ws!.id,
      workflowId: wf!.id,
      versionId: null,
      definition: { trigger: { type: 'manual' }, actions },
      trigger: { kind: 'manual', n: 21 },
    });
    const handle = await client.workflow.start(RUN_WORKFLOW, { taskQueue: TASK_QUEUE, workflowId: runWorkflowId(execution.id), args: [input] });
    expect(await handle.result()).toMatchObject({ status: 'completed' });
    expect(await getExecutionState(db, { workspaceId: ws!.id, executionId: execution.id })).toMatchObject({ status: 'completed', error: null });
    const steps = Object.fromEntries((await listStepRows(db, { workspaceId: ws!.id, executionId: execution.id })).map((s) => [s.actionId, s]));
    expect(steps.score).toMatchObject({ status: 'completed', output: { score: 42 } });
    const made = steps.made!.output as { id: string };
    expect((await getRecord(db, { workspaceId: ws!.id, object: 'task', id: made.id }))!.data).toMatchObject({ title: 'Score 42' });
  });

  it('stops cleanly on the stop signal', async () => {
    const signal = args(of(runtime, 'STOPSIGNAL').at(-1)!)[0] as NodeJS.Signals;
    const exited = new Promise<number | null>((r) => worker!.once('exit', (code) => r(code)));
    worker!.kill(signal);
    expect(await exited).toBe(0);
    expect(out).toContain('worker stopped');
  }, 60_000);
});
