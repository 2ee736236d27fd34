/**
 * `npm start` as a user runs it: a fresh data folder, the Temporal CLI on PATH, one port. It must
 * print the URL and a login that works, run a webhook workflow end to end, stop every child
 * process on Ctrl-C, and start again on the same folder with everything kept.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/services/ports';
import { signIn, postHook } from '../src/testing/api-client';
import { groupMembers, isAlive, killGroup, launch, type Launched } from '../src/testing/processes';
import { REPO_ROOT } from '../src/web-build';

const BANNER = /App:\s+(http:\/\/\S+)\n\s+Temporal UI:\s+(\S+)\n\s+Log in as:\s+(\S+)\s+\/\s+(\S+)/;
const START_TIMEOUT = 180_000;

let dataDir: string;
let env: NodeJS.ProcessEnv;
let temporalPort: number;
const launched: Launched[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'conduit-launcher-'));
  temporalPort = await freePort();
  // What a user's shell would have: no service addresses, so everything embedded is used.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(TEST_|VITEST|DATABASE_URL|TEMPORAL_(ADDRESS|NAMESPACE|API_KEY|UI_URL)|ENCRYPTION_KEY|SQS_|SMTP_URL|PUBLIC_URL|PORT$|DATA_DIR$)/.test(k),
    ),
  );
  env = {
    ...inherited,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    // Fixed free ports instead of 7233/8233, so a developer's own `npm start` is never disturbed.
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_DEV_UI_PORT: String(await freePort()),
    NODE_ENV: 'development',
  };
});

afterAll(() => {
  for (const l of launched) killGroup(l.pid);
  rmSync(dataDir, { recursive: true, force: true });
});

async function startLauncher(cmd: string, args: string[]) {
  const l = launch(cmd, args, { cwd: REPO_ROOT, env });
  launched.push(l);
  const m = await l.waitFor(BANNER, START_TIMEOUT);
  return { l, url: m[1]!, temporalUiUrl: m[2]!, login: { email: m[3]!, password: m[4]! } };
}

const temporalChildren = (l: Launched) => groupMembers(l.pid).filter((p) => p.comm === 'temporal');

describe('npm start', () => {
  let workflowId: string;
  let hookPath: string;
  let firstRun: { id: string; temporalWorkflowId: string };
  let keyBefore: string;

  it('runs the product on one port, runs a webhook workflow, and Ctrl-C stops every child', async () => {
    const { l, url, temporalUiUrl, login } = await startLauncher('npm', ['start']);
    expect(url).toBe(`http://localhost:${env.PORT}`);
    expect(temporalUiUrl).toBe(`http://localhost:${env.TEMPORAL_DEV_UI_PORT}`);
    expect((await fetch(temporalUiUrl)).status).toBe(200);

    // The dev server is a child of the launcher, with its SQLite file in the data folder.
    const temporal = temporalChildren(l);
    expect(temporal).toHaveLength(1);
    expect(statSync(join(dataDir, 'temporal.db')).size).toBeGreaterThan(0);
    expect(statSync(join(dataDir, 'pglite')).isDirectory()).toBe(true);
    const key = statSync(join(dataDir, 'secret.key'));
    expect(key.mode & 0o777).toBe(0o600);
    keyBefore = readFileSync(join(dataDir, 'secret.key'), 'utf8');

    // The web app and the API share the port.
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${url}/api/me`)).status).toBe(401);

    const api = await signIn(url, login);
    expect(api.workspace.role).toBe('admin');
    const wf = await api.createWorkflow({
      name: 'Launcher: hook to contact',
      trigger: { type: 'webhook' },
      actions: [{ id: 'save', type: 'create_record', object: 'contact', data: { name: '{{trigger.body.name}}', source: 'launcher-test' } }],
    });
    expect(wf.isActive).toBe(false);
    const activated = await api.activate(wf.id);
    expect(activated.workflow.isActive).toBe(true);
    workflowId = wf.id;
    hookPath = activated.workflow.hookPath!;
    expect(hookPath).toMatch(/^\/hooks\/\S+$/);

    const hook = await postHook(url, hookPath, { name: 'Katherine Johnson' });
    expect(hook.status).toBe(202);
    expect(hook.eventId).toBeTruthy();

    const [run] = await api.waitForRuns(wf.id, 1);
    expect(run!.status).toBe('completed');
    expect(run!.eventId).toBe(hook.eventId);
    expect(run!.steps?.map((s) => [s.actionId, s.status])).toEqual([['save', 'completed']]);
    firstRun = { id: run!.id, temporalWorkflowId: run!.temporalWorkflowId };
    const contacts = await api.listRecords('contact');
    expect(contacts.filter((r) => r.data.source === 'launcher-test').map((r) => r.data.name)).toEqual(['Katherine Johnson']);

    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-l.pid, 'SIGINT');
    const exit = await l.exited;
    // npm re-raises the signal its script got; the launcher under it reports a clean stop.
    expect(exit.code === 0 || exit.signal === 'SIGINT', JSON.stringify(exit)).toBe(true);
    expect(l.output()).toContain('Stopped. Data kept');
    expect(l.output()).not.toMatch(/stopping .* failed|Stopping failed/);
    await expect.poll(() => groupMembers(l.pid).map((p) => `${p.pid} ${p.comm}`), { timeout: 10_000 }).toEqual([]);
    for (const t of temporal) expect(isAlive(t.pid)).toBe(false);
  }, 300_000);

  it('starts again on the same folder with everything kept; SIGTERM to the launcher alone stops its children', async () => {
    expect(workflowId, 'the first test must have passed').toBeTruthy();
    // This time straight through node, and the signal goes to the launcher only (a process manager's stop).
    const { l, url, login } = await startLauncher(process.execPath, ['local/start.mjs']);
    const temporal = temporalChildren(l);
    expect(temporal).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'secret.key'), 'utf8')).toBe(keyBefore);

    const api = await signIn(url, login);
    const [wf] = (await api.listWorkflows()).filter((w) => w.id === workflowId);
    expect(wf?.isActive).toBe(true);
    const before = await api.executions(workflowId);
    expect(before.map((e) => [e.id, e.status])).toEqual([[firstRun.id, 'completed']]);

    // Temporal kept its history too (the SQLite file in the data folder).
    const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    try {
      const described = await new Client({ connection }).workflow.getHandle(firstRun.temporalWorkflowId).describe();
      expect(described.status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
    }

    // And it still works: the same hook runs again.
    expect((await postHook(url, hookPath, { name: 'Dorothy Vaughan' })).status).toBe(202);
    const runs = await api.waitForRuns(workflowId, 2);
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    const names = (await api.listRecords('contact')).filter((r) => r.data.source === 'launcher-test').map((r) => r.data.name);
    expect(names.sort()).toEqual(['Dorothy Vaughan', 'Katherine Johnson']);

    process.kill(l.pid, 'SIGTERM');
    expect(await l.exited).toEqual({ code: 0, signal: null });
    await expect.poll(() => groupMembers(l.pid).map((p) => `${p.pid} ${p.comm}`), { timeout: 10_000 }).toEqual([]);
    for (const t of temporal) expect(isAlive(t.pid)).toBe(false);
  }, 300_000);
});
