/**
 * Records the histories test/replay.test.ts replays: representative runs on real services (a
 * Temporal dev server, PGlite, a local HTTP server for send_webhook, the dev inbox for mail), each
 * run's full Temporal history written to test/histories/<name>.json as { workflowId, history }.
 *
 *   npm run record-histories -w worker             (every scenario)
 *   npm run record-histories -w worker -- for-each (only the named ones; the other files are kept)
 *
 * Re-record only on purpose: a history recorded by new code no longer proves that runs started on
 * the old code still replay (see docs/runtime.md, "Replay tests").
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { StepResult, WorkflowActionInput } from '@conduit/core/definition';
import { createExecution, decideApproval, listApprovalsFor } from '@conduit/core/domain';
import { APPROVAL_SIGNAL, RUN_WORKFLOW, RunInputSchema, runWorkflowId } from '@conduit/core/temporal';
import { startTemporalDevServer } from '@conduit/local/testing';
import { ScriptSandbox, type ScriptRun, type ScriptResult } from '../src/activities/sandbox';
import { startHarness, type Harness } from '../test/harness';

/**
 * Written with @temporalio/proto's own toObject (read back with fromObject): historyToJSON and
 * historyFromJSON of @temporalio/common fail in this install ("type must be a Type") because npm keeps
 * separate copies of protobufjs 8 under @temporalio/common and @temporalio/proto.
 */
export const HISTORY_JSON = { longs: String, enums: String, bytes: String, json: true } as const;

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '../test/histories');

/** Scripts whose code holds `transient(n)` fail n times with a network error before running: a transient fault on demand. */
class FlakySandbox extends ScriptSandbox {
  private failures = new Map<string, number>();
  override run(run: ScriptRun): Promise<ScriptResult> {
    const n = Number(/transient\((\d+)\)/.exec(run.code)?.[1] ?? 0);
    const seen = this.failures.get(run.code) ?? 0;
    if (seen < n) {
      this.failures.set(run.code, seen + 1);
      return Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    }
    return super.run(run);
  }
}

/** /hook answers 200, /flaky 503 once per run then 200, /down always 503, /missing 404. */
function startHookServer(): Promise<{ server: Server; base: string }> {
  const flaky = new Set<string>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      const key = String(req.headers['idempotency-key']);
      if (u.pathname === '/flaky' && !flaky.has(key)) {
        flaky.add(key);
        res.writeHead(503, { 'retry-after': '1' }).end('busy');
        return;
      }
      if (u.pathname === '/down') {
        res.writeHead(503).end('down');
        return;
      }
      if (u.pathname === '/missing') {
        res.writeHead(404).end('no such thing');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, path: u.pathname }));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

type Recorded = { name: string; handle: WorkflowHandle; expect: 'completed' | 'failed' | 'cancelled' };

/** Every run of the handle's chain (continue-as-new), oldest first: each run's start names the run it continues. */
async function chain(h: Harness, handle: WorkflowHandle) {
  const out = [];
  let runId: string | undefined;
  do {
    const history = await h.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    out.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  } while (runId);
  return out;
}

async function until(fn: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}

/** Starts a run with the interpreter's own options (second argument), as run.test.ts does. */
async function startWithOptions(h: Harness, actions: WorkflowActionInput[], options: Record<string, number>) {
  const wf = await h.createWorkflow(actions);
  const { execution } = await createExecution(h.db, { workspaceId: h.workspaceId, workflowId: wf.id, versionId: null, eventId: null, input: {} });
  const input = RunInputSchema.parse({
    executionId: execution.id,
    workspaceId: h.workspaceId,
    workflowId: wf.id,
    versionId: null,
    definition: { trigger: { type: 'webhook' }, actions },
    trigger: { kind: 'manual' },
  });
  return h.client.workflow.start(RUN_WORKFLOW, {
    taskQueue: h.taskQueue,
    workflowId: runWorkflowId(execution.id),
    args: [input, options],
  }) as Promise<WorkflowHandle>;
}

const retry = (maxAttempts: number) => ({ maxAttempts, initialIntervalMs: 100, backoffCoefficient: 2, maxIntervalMs: 1_000 });

async function everyAction(h: Harness, base: string): Promise<Recorded> {
  // Activities and lone local steps alternate, so each local step is a call of its own; the last one carries the finish.
  const r = await h.startRun(
    [
      { id: 'mail', type: 'send_email', to: '{{trigger.owner}}', subject: 'Deal {{trigger.name}}', body: 'Hello {{trigger.name}}' },
      { id: 'made', type: 'create_record', object: 'deal', data: { name: '{{trigger.name}}', amount: '{{trigger.amount}}' } },
      { id: 'hook', type: 'send_webhook', url: `${base}/hook`, body: { id: '{{steps.made.output.id}}' } },
      { id: 'slow', type: 'run_script', cpuMs: 3_000, code: 'return input.steps.hook.output.status' },
      { id: 'edit', type: 'update_record', object: 'deal', recordId: '{{steps.made.output.id}}', data: { stage: 'won' } },
      { id: 'score', type: 'run_script', code: 'return input.steps.edit.output.record.amount / 1000' },
      { id: 'nap', type: 'wait', duration: '1s' },
      { id: 'gone', type: 'delete_record', object: 'deal', recordId: '{{steps.made.output.id}}' },
    ],
    { trigger: { kind: 'manual', owner: 'ann@example.com', name: 'Acme', amount: 12_000 } },
  );
  return { name: 'every-action', handle: r.handle, expect: 'completed' };
}

async function segments(h: Harness): Promise<Recorded> {
  const r = await h.startRun([
    { id: 'a', type: 'create_record', object: 'seg', data: { n: 1 } },
    { id: 'b', type: 'update_record', object: 'seg', recordId: '{{steps.a.output.id}}', data: { n: 2 } },
    { id: 'c', type: 'run_script', code: 'return input.steps.b.output.record.n' },
    {
      id: 'gate',
      type: 'condition',
      if: { all: [{ left: '{{steps.c.output}}', op: 'eq', right: 2 }] },
      then: [
        { id: 'd', type: 'run_script', code: 'return 4' },
        { id: 'e', type: 'run_script', code: 'return 5' },
      ],
      else: [{ id: 'never', type: 'run_script', code: 'return 0' }],
    },
    { id: 'f', type: 'run_script', code: 'return 6' },
    { id: 'g', type: 'delete_record', object: 'seg', recordId: '{{steps.a.output.id}}' },
  ]);
  return { name: 'segments', handle: r.handle, expect: 'completed' };
}

/** A loop with a condition, a nested concurrent loop and continue-as-new inside the outer loop. */
async function forEach(h: Harness): Promise<Recorded> {
  const r = await h.startRun(
    [
      {
        id: 'outer',
        type: 'for_each',
        items: '{{trigger.deals}}',
        steps: [
          {
            id: 'big',
            type: 'condition',
            if: { all: [{ left: '{{item.amount}}', op: 'gt', right: 10 }] },
            then: [{ id: 'mk', type: 'create_record', object: 'loop', data: { name: '{{item.name | upper}}', at: '{{index}}' } }],
            else: [],
          },
          { id: 'inner', type: 'for_each', items: '{{item.tags}}', concurrency: 2, steps: [{ id: 'tag', type: 'run_script', code: 'return input.item' }] },
        ],
      },
      { id: 'after', type: 'run_script', code: 'return input.steps.outer.output.count' },
    ],
    {
      trigger: {
        kind: 'manual',
        deals: [
          { name: 'a', amount: 5, tags: ['x', 'y', 'z'] },
          { name: 'b', amount: 50, tags: ['w'] },
          { name: 'c', amount: 70, tags: [] },
        ],
      },
    },
    { stepsPerRun: 4 },
  );
  return { name: 'for-each', handle: r.handle, expect: 'completed' };
}

async function conditions(h: Harness): Promise<Recorded> {
  const r = await h.startRun(
    [
      {
        id: 'outer',
        type: 'condition',
        if: { all: [{ left: '{{trigger.amount}}', op: 'gt', right: 10 }] },
        then: [
          {
            id: 'inner',
            type: 'condition',
            if: { any: [{ left: '{{trigger.name}}', op: 'eq', right: 'Other' }] },
            then: [{ id: 'innerThen', type: 'run_script', code: 'return "then"' }],
            else: [{ id: 'innerElse', type: 'create_record', object: 'cond', data: { name: '{{trigger.name}}' } }],
          },
        ],
        else: [{ id: 'outerElse', type: 'run_script', code: 'return "else"' }],
      },
      {
        id: 'last',
        type: 'condition',
        if: { all: [{ left: '{{trigger.amount}}', op: 'lt', right: 0 }] },
        then: [{ id: 'lastThen', type: 'run_script', code: 'return 1' }],
        else: [
          { id: 'x', type: 'run_script', code: 'return 2' },
          { id: 'y', type: 'run_script', code: 'return input.steps.x.output + 1' },
        ],
      },
    ],
    { trigger: { kind: 'manual', name: 'Acme', amount: 50 } },
  );
  return { name: 'conditions', handle: r.handle, expect: 'completed' };
}

async function waits(h: Harness): Promise<Recorded> {
  const r = await h.startRun(
    [
      { id: 'short', type: 'wait', duration: '1s' },
      { id: 'until', type: 'wait', until: '{{trigger.at}}' },
      { id: 'past', type: 'wait', until: '{{trigger.past}}' },
      { id: 'bad', type: 'wait', until: '{{trigger.nothing}}', onFailure: 'continue' },
      { id: 'after', type: 'create_record', object: 'waited', data: { n: 1 } },
    ],
    { trigger: { kind: 'manual', at: new Date(Date.now() + 1_500).toISOString(), past: '2020-01-01T00:00:00Z' } },
  );
  return { name: 'waits', handle: r.handle, expect: 'completed' };
}

async function onFailure(h: Harness): Promise<Recorded> {
  const r = await h.startRun([
    { id: 'soft', type: 'update_record', object: 'deal', recordId: '00000000-0000-4000-8000-000000000000', data: { a: 1 }, onFailure: 'continue' },
    { id: 'check', type: 'condition', if: { all: [{ left: '{{steps.soft.output.error}}', op: 'contains', right: 'no deal record' }] }, then: [], else: [] },
    { id: 'thrown', type: 'run_script', code: 'throw new Error("no")', onFailure: 'continue' },
    { id: 'fine', type: 'run_script', code: 'return 1' },
    { id: 'hard', type: 'delete_record', object: 'deal', recordId: 'not-a-uuid' },
    { id: 'after', type: 'create_record', object: 'task', data: { x: 1 } },
  ]);
  return { name: 'on-failure', handle: r.handle, expect: 'failed' };
}

async function retries(h: Harness, base: string): Promise<Recorded> {
  const r = await h.startRun([
    // Regular activity retried by Temporal (503 once, Retry-After honoured).
    { id: 'flaky', type: 'send_webhook', url: `${base}/flaky`, retry: retry(3) },
    // A segment whose first step fails transiently: that step goes on through its own retry policy as a local activity.
    { id: 'shaky', type: 'run_script', code: '/* transient(2) */ return 1', retry: retry(3) },
    { id: 'calm', type: 'run_script', code: 'return 2' },
    // Retries exhausted on a regular activity; the run goes on.
    { id: 'down', type: 'send_webhook', url: `${base}/down`, retry: retry(2), onFailure: 'continue' },
    // Not retryable: fails at once and stops the run.
    { id: 'missing', type: 'send_webhook', url: `${base}/missing`, retry: retry(5) },
    { id: 'skipped', type: 'create_record', object: 'never', data: { n: 1 } },
  ]);
  return { name: 'retries', handle: r.handle, expect: 'failed' };
}

async function cancelWait(h: Harness): Promise<Recorded> {
  const r = await h.startRun([
    { id: 'first', type: 'create_record', object: 'cancel_first', data: { n: 1 } },
    { id: 'nap', type: 'wait', duration: '1h' },
    { id: 'never', type: 'create_record', object: 'cancel_never', data: { n: 1 } },
  ]);
  await until(async () => (await h.steps(r.executionId)).nap?.status === 'running');
  await r.handle.cancel();
  return { name: 'cancel-wait', handle: r.handle, expect: 'cancelled' };
}

/** wait_for_approval: opened, decided in the database, signalled; plus one that times out into onTimeout. */
async function approval(h: Harness): Promise<Recorded[]> {
  const flow: WorkflowActionInput[] = [
    { id: 'ask', type: 'wait_for_approval', approvers: ['ann@example.com'], message: 'Refund {{trigger.amount}}?', timeout: '1h', onTimeout: 'fail' },
    {
      id: 'gate',
      type: 'condition',
      if: { all: [{ left: '{{steps.ask.output.decision}}', op: 'eq', right: 'approved' }] },
      then: [{ id: 'refund', type: 'create_record', object: 'refund', data: { by: '{{steps.ask.output.by}}' } }],
      else: [],
    },
  ];
  const r = await h.startRun(flow, { trigger: { kind: 'manual', amount: 120 } });
  await until(async () => (await getApprovalForStep(h, r.executionId)) !== null);
  const row = (await getApprovalForStep(h, r.executionId))!;
  const d = await decideApproval(h.db, row, { decision: 'approve', by: 'ann@example.com', comment: 'ok', at: new Date() });
  if (!d.ok) throw new Error('approval not decided');
  await r.handle.signal(APPROVAL_SIGNAL, d.signal);
  const timedOut = await h.startRun([{ ...flow[0]!, timeout: '1s', onTimeout: 'reject' } as WorkflowActionInput, flow[1]!], {
    trigger: { kind: 'manual', amount: 5 },
  });
  return [
    { name: 'approval', handle: r.handle, expect: 'completed' },
    { name: 'approval-timeout', handle: timedOut.handle, expect: 'completed' },
  ];
}

async function getApprovalForStep(h: Harness, executionId: string) {
  const mine = await listApprovalsFor(h.db, { workspaceId: h.workspaceId, email: 'ann@example.com', role: null, status: 'pending' });
  return mine.find((a) => a.executionId === executionId) ?? null;
}

async function cancelScript(h: Harness): Promise<Recorded> {
  const r = await h.startRun([
    { id: 'spin', type: 'run_script', code: 'while (true) {}', cpuMs: 10_000 },
    { id: 'never', type: 'run_script', code: 'return 1' },
  ]);
  await until(async () => (await h.steps(r.executionId)).spin?.status === 'running');
  await r.handle.cancel();
  return { name: 'cancel-script', handle: r.handle, expect: 'cancelled' };
}

async function resume(h: Harness): Promise<Recorded[]> {
  const actions: WorkflowActionInput[] = [
    { id: 'made', type: 'create_record', object: 'retry_made', data: { n: 1 } },
    {
      id: 'gate',
      type: 'condition',
      if: { all: [{ left: '{{steps.made.output.object}}', op: 'eq', right: 'retry_made' }] },
      then: [{ id: 'inBranch', type: 'run_script', code: 'return 1' }],
      else: [],
    },
    { id: 'check', type: 'run_script', code: 'if (input.trigger.fail) throw new Error("upstream said no"); return { made: input.steps.made.output.id }' },
    { id: 'after', type: 'create_record', object: 'retry_after', data: { made: '{{steps.check.output.made}}' } },
  ];
  const first = await h.startRun(actions, { trigger: { kind: 'manual', fail: true } });
  await first.handle.result();
  // What the API's retry route does: reuse the outputs of the steps that completed.
  const steps: Record<string, StepResult> = {};
  for (const [id, row] of Object.entries(await h.steps(first.executionId)))
    if (row.status === 'completed') steps[id] = { status: 'completed', output: row.output ?? null };
  const second = await h.startRun(actions, {
    trigger: { kind: 'manual', fail: false },
    retryOf: first.executionId,
    resume: { fromExecutionId: first.executionId, steps },
  });
  return [
    { name: 'resume-failed', handle: first.handle, expect: 'failed' },
    { name: 'resume', handle: second.handle, expect: 'completed' },
  ];
}

async function continueAsNewSteps(h: Harness): Promise<Recorded> {
  const actions: WorkflowActionInput[] = [
    ...Array.from({ length: 4 }, (_, i) => ({ id: `a${i}`, type: 'run_script' as const, code: `return ${i}` })),
    {
      id: 'branch',
      type: 'condition',
      if: { all: [{ left: '{{steps.a3.output}}', op: 'eq', right: 3 }] },
      then: Array.from({ length: 3 }, (_, i) => ({ id: `t${i}`, type: 'run_script' as const, code: `return input.steps.a${i}.output + 100` })),
      else: [{ id: 'never', type: 'run_script', code: 'return 0' }],
    },
    { id: 'mail', type: 'send_email', to: 'ann@example.com', subject: 'halfway', body: 'value {{steps.t2.output}}' },
    { id: 'last', type: 'run_script', code: 'return Object.keys(input.steps).length' },
  ];
  return { name: 'continue-as-new-steps', handle: await startWithOptions(h, actions, { stepsPerRun: 3 }), expect: 'completed' };
}

async function continueAsNewHistory(h: Harness): Promise<Recorded> {
  const actions: WorkflowActionInput[] = [
    { id: 'a', type: 'create_record', object: 'can', data: { n: 1 } },
    { id: 'nap', type: 'wait', duration: '1s' },
    { id: 'b', type: 'update_record', object: 'can', recordId: '{{steps.a.output.id}}', data: { n: 2 } },
    { id: 'c', type: 'run_script', code: 'return input.steps.b.output.record.n' },
  ];
  return { name: 'continue-as-new-history', handle: await startWithOptions(h, actions, { historyLimit: 5 }), expect: 'completed' };
}

async function scheduleFire(h: Harness): Promise<Recorded> {
  const actions: WorkflowActionInput[] = [
    { id: 'tick', type: 'create_record', object: 'tick', data: { at: '{{trigger.scheduledAt}}', tz: '{{trigger.timezone}}' } },
  ];
  const wf = await h.createWorkflow(actions);
  const handle = await h.client.workflow.start(RUN_WORKFLOW, {
    taskQueue: h.taskQueue,
    workflowId: `schedule-${wf.id}`,
    args: [
      RunInputSchema.parse({
        workspaceId: h.workspaceId,
        workflowId: wf.id,
        versionId: null,
        definition: { trigger: { type: 'schedule', cron: '* * * * *', timezone: 'Europe/Paris' }, actions },
      }),
    ],
  });
  return { name: 'schedule-fire', handle: handle as WorkflowHandle, expect: 'completed' };
}

/** A call_workflow step waiting for its child, then one that only starts it (the parent's history). */
async function callWorkflow(h: Harness): Promise<Recorded> {
  const childActions: WorkflowActionInput[] = [{ id: 'sum', type: 'run_script', code: 'return input.trigger.payload.n + 1' }];
  const child = await h.createCallable(childActions);
  const r = await h.startRun([
    { id: 'call', type: 'call_workflow', workflowId: child.id, input: { n: 41 } },
    { id: 'go', type: 'call_workflow', workflowId: child.id, input: { n: '{{steps.call.output.output.sum}}' }, wait: false },
  ]);
  return { name: 'call-workflow', handle: r.handle, expect: 'completed' };
}

/** A dry test run: approval, mail, webhook and record writes recorded as "would have"; a condition and a find run. */
async function dryRun(h: Harness, base: string): Promise<Recorded> {
  const r = await h.startRun(
    [
      { id: 'ask', type: 'wait_for_approval', approvers: ['ann@example.com'], message: 'Go?', timeout: '1h', onTimeout: 'fail' },
      {
        id: 'gate',
        type: 'condition',
        if: { all: [{ left: '{{steps.ask.output.decision}}', op: 'eq', right: 'approved' }] },
        then: [{ id: 'mail', type: 'send_email', to: 'ann@example.com', subject: 'Deal {{trigger.name}}', body: 'Hi' }],
        else: [],
      },
      { id: 'hook', type: 'send_webhook', url: `${base}/hook`, body: { name: '{{trigger.name}}' } },
      { id: 'find', type: 'find_records', object: 'deal', where: { all: [{ left: 'name', op: 'eq', right: '{{trigger.name}}' }] } },
      { id: 'made', type: 'create_record', object: 'deal', data: { name: '{{trigger.name}}' } },
      { id: 'gone', type: 'delete_record', object: 'deal', recordId: '{{steps.find.output.first.id}}', onFailure: 'continue' },
    ],
    { trigger: { kind: 'manual', name: 'Acme' }, isTest: true, dryRun: true },
  );
  return { name: 'dry-run', handle: r.handle, expect: 'completed' };
}

async function main() {
  let stopTemporal: (() => Promise<void>) | undefined;
  if (!process.env.TEST_TEMPORAL_ADDRESS) {
    const t = await startTemporalDevServer();
    process.env.TEST_TEMPORAL_ADDRESS = t.address;
    stopTemporal = t.stop;
  }
  const { server, base } = await startHookServer();
  const sandbox = new FlakySandbox();
  // The replay test's key: payloads are encrypted now, and the replay decrypts them with the same key.
  const h = await startHarness({ db: 'pglite', env: { HTTP_ALLOWLIST: '127.0.0.1', ENCRYPTION_KEY: '7'.repeat(64) }, worker: { sandbox } });
  const only = process.argv.slice(2);
  try {
    const scenarios: [string, () => Promise<Recorded | Recorded[]>][] = [
      ['every-action', () => everyAction(h, base)],
      ['segments', () => segments(h)],
      ['conditions', () => conditions(h)],
      ['waits', () => waits(h)],
      ['on-failure', () => onFailure(h)],
      ['retries', () => retries(h, base)],
      ['cancel-wait', () => cancelWait(h)],
      ['cancel-script', () => cancelScript(h)],
      ['resume', () => resume(h)],
      ['continue-as-new-steps', () => continueAsNewSteps(h)],
      ['continue-as-new-history', () => continueAsNewHistory(h)],
      ['schedule-fire', () => scheduleFire(h)],
      ['for-each', () => forEach(h)],
      ['call-workflow', () => callWorkflow(h)],
      ['approval', () => approval(h)],
      ['dry-run', () => dryRun(h, base)],
    ];
    const chosen = only.length ? scenarios.filter(([name]) => only.includes(name)) : scenarios;
    if (chosen.length !== (only.length || scenarios.length))
      throw new Error(`unknown scenario in ${only.join(', ')}; known: ${scenarios.map(([n]) => n).join(', ')}`);
    const runs = (await Promise.all(chosen.map(([, run]) => run()))).flat();
    await mkdir(outDir, { recursive: true });
    const written = new Set<string>();
    for (const run of runs) {
      const status = await run.handle.result().then(
        (s: { status: string }) => s.status,
        () => 'cancelled',
      );
      if (status !== run.expect)
        throw new Error(
          `${run.name}: expected ${run.expect}, the run ended ${status}: ${JSON.stringify(await run.handle.result().catch((e: Error) => e.message))}`,
        );
      const histories = await chain(h, run.handle);
      for (const [i, history] of histories.entries()) {
        const file = histories.length > 1 ? `${run.name}.run${i + 1}.json` : `${run.name}.json`;
        const body = {
          workflowId: run.handle.workflowId,
          history: proto.temporal.api.history.v1.History.toObject(proto.temporal.api.history.v1.History.fromObject(history), HISTORY_JSON),
        };
        await writeFile(resolve(outDir, file), `${JSON.stringify(body, null, 1)}\n`);
        written.add(file);
        console.log(`${file}: ${history.events?.length ?? 0} events`);
      }
    }
    // Scenarios that were removed or renamed leave no stale history behind (only on a full re-record).
    if (!only.length) for (const f of await readdir(outDir)) if (f.endsWith('.json') && !written.has(f)) await rm(resolve(outDir, f));
  } finally {
    await h.close();
    await sandbox.close();
    await new Promise((r) => server.close(r));
    await stopTemporal?.();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
