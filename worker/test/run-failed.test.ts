import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, generateWebhookSecret, verifyWebhookSignature } from '@conduit/core/crypto';
import {
  activateWorkflow,
  checkDraft,
  claimEvent,
  createExecution,
  recordRunFailure,
  setWorkflowFailureAlerts,
  updateFailureAlertSettings,
} from '@conduit/core/domain';
import { devMail, eq, events, memberships, users } from '@conduit/core/testing';
import { startHarness, type Harness } from './harness';

// run_failed events and the workspace failure alert, on PostgreSQL and the Temporal dev server.

const KEY = 'a'.repeat(64);
let h: Harness;
let receiver: Server;
const received: { headers: Record<string, string>; body: string }[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  h = await startHarness({ db: 'pg', env: { PUBLIC_URL: 'https://conduit.example.com', HTTP_ALLOWLIST: '127.0.0.1' }, worker: { alertSweepMs: 0 } });
  const [admin] = await h.db.insert(users).values({ email: 'admin@example.com', name: 'Admin', passwordHash: 'x' }).returning();
  await h.db.insert(memberships).values({ workspaceId: h.workspaceId, userId: admin!.id, role: 'admin' });
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const failing = [{ id: 'boom', name: 'Explode', type: 'run_script' as const, code: 'throw new Error("kaput")' }];

async function activate(id: string, trigger: object, actions: object[] = [{ id: 'note', type: 'create_record', object: 'alert', data: {} }]) {
  const draft = checkDraft({ name: 'watcher', trigger, actions });
  const r = await activateWorkflow(h.db, { workspaceId: h.workspaceId, id, publishedBy: null, draft });
  return r!;
}

const digestMails = async () => (await h.db.select().from(devMail).where(eq(devMail.workspaceId, h.workspaceId))).filter((m) => /failed"?$/.test(m.subject));

describe('run_failed', () => {
  it('a failed run writes one run.failed event with the run, workflow, failed step (by its label) and error, and publishes it', async () => {
    const r = await h.startRun(failing);
    expect((await r.handle.result()).status).toBe('failed');
    const rows = await h.db.select().from(events).where(eq(events.workflowId, r.workflowId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      source: 'run',
      type: 'run.failed',
      dedupeKey: `run.failed:${r.executionId}`,
      causation: { depth: 1, chain: [r.executionId] },
    });
    expect(rows[0]!.payload).toMatchObject({
      kind: 'run_failed',
      executionId: r.executionId,
      workflow: { id: r.workflowId, name: 'wf' },
      step: { id: 'boom', label: 'Explode' },
      error: expect.stringContaining('kaput'),
    });
    expect(h.published.map((e) => e.id)).toContain(rows[0]!.id);
    // A completed run writes none.
    const ok = await h.startRun([{ id: 'fine', type: 'create_record', object: 'x', data: {} }]);
    expect((await ok.handle.result()).status).toBe('completed');
    expect(await h.db.select().from(events).where(eq(events.workflowId, ok.workflowId))).toHaveLength(0);
  });

  it('matches run_failed workflows watching any or that workflow, never the failed one itself; their own failure fires nothing', async () => {
    const r = await h.startRun(failing);
    await r.handle.result();
    const any = await h.createWorkflow([]);
    const only = await h.createWorkflow([]);
    const other = await h.createWorkflow([]);
    await activate(any.id, { type: 'run_failed' });
    await activate(only.id, { type: 'run_failed', workflowId: r.workflowId });
    await activate(other.id, { type: 'run_failed', workflowId: other.id });
    const [event] = await h.db.select().from(events).where(eq(events.workflowId, r.workflowId));
    const claimed = await claimEvent(h.db, { id: event!.id, maxDepth: 8 });
    expect(claimed!.runs.map((x) => x.workflowId).sort()).toEqual([any.id, only.id].sort());

    // The watcher's own failure: no event, so no loop.
    const watcher = await h.startRun(failing, { trigger: event!.payload, workflowTrigger: { type: 'run_failed' } });
    expect((await watcher.handle.result()).status).toBe('failed');
    expect(await h.db.select().from(events).where(eq(events.workflowId, watcher.workflowId))).toHaveLength(0);
  });
});

describe('failure alert digest', () => {
  /** A failed run of the workflow, recorded as the run's end records it, at a given time. */
  async function fail(workflowId: string, at: Date) {
    const { execution } = await createExecution(h.db, { workspaceId: h.workspaceId, workflowId, versionId: null, eventId: null, input: {} });
    await h.db.transaction((tx) =>
      recordRunFailure(tx, {
        workspaceId: h.workspaceId,
        executionId: execution.id,
        error: 'step "boom" failed: kaput',
        causation: { depth: 0, chain: [] },
        at,
      }),
    );
    return execution.id;
  }
  const sweep = (at: Date) => h.worker().digests.sweepOnce(at);

  it('sends at most one digest per workflow per 15 minutes under 50 failures, counting and linking them', async () => {
    const wf = await h.createWorkflow(failing);
    const t0 = new Date('2030-01-01T10:00:00Z');
    // The real runs of the tests above are due already: send theirs first.
    await sweep(t0);
    const before = (await digestMails()).length;
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(await fail(wf.id, new Date(t0.getTime() + i * 1000)));
    expect(await sweep(new Date(t0.getTime() + 60_000))).toBe(1);
    let mails = await digestMails();
    expect(mails.length - before).toBe(1);
    const first = mails.at(-1)!;
    expect(first.to).toEqual(['admin@example.com']);
    expect(first.subject).toBe('30 runs of "wf" failed');
    expect(first.text).toContain(`https://conduit.example.com/w/${h.workspaceId}/settings/runs/${ids[0]}`);
    expect(first.text).toContain('… and 10 more.');
    expect(first.text).toContain('Latest error: step "boom" failed: kaput');

    // 20 more within the 15 minutes: held back until the interval has passed.
    for (let i = 0; i < 20; i++) await fail(wf.id, new Date(t0.getTime() + 120_000 + i * 1000));
    expect(await sweep(new Date(t0.getTime() + 5 * 60_000))).toBe(0);
    expect(await sweep(new Date(t0.getTime() + 15 * 60_000))).toBe(0);
    expect(await sweep(new Date(t0.getTime() + 16 * 60_000 + 1_000))).toBe(1);
    mails = await digestMails();
    expect(mails.length - before).toBe(2);
    expect(mails.at(-1)!.subject).toBe('20 runs of "wf" failed');
    // Nothing left.
    expect(await sweep(new Date(t0.getTime() + 60 * 60_000))).toBe(0);
  });

  it('goes to the chosen recipients and a signed webhook; a muted workflow or a disabled alert sends nothing', async () => {
    const box = createSecretBox(KEY);
    let secret = '';
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
    const { secret: plain } = await updateFailureAlertSettings(h.db, h.workspaceId, { recipients: ['Ops@Example.com'], webhookUrl: url }, () => {
      secret = generateWebhookSecret();
      return { plain: secret, sealed: box.seal(secret) };
    });
    expect(plain).toBe(secret);
    const wf = await h.createWorkflow(failing);
    const t0 = new Date('2031-01-01T10:00:00Z');
    const id = await fail(wf.id, t0);
    expect(await sweep(new Date(t0.getTime() + 1_000))).toBe(1);
    expect((await digestMails()).at(-1)).toMatchObject({ to: ['ops@example.com'], subject: 'A run of "wf" failed' });
    const hook = received.at(-1)!;
    expect(JSON.parse(hook.body)).toMatchObject({ type: 'runs.failed', workflow: { id: wf.id, name: 'wf' }, count: 1, executionIds: [id] });
    expect(
      verifyWebhookSignature({
        secret,
        id: hook.headers['webhook-id'],
        timestamp: hook.headers['webhook-timestamp'],
        signature: hook.headers['webhook-signature'],
        body: hook.body,
      }),
    ).toMatchObject({ ok: true });

    const muted = await h.createWorkflow(failing);
    await setWorkflowFailureAlerts(h.db, { workspaceId: h.workspaceId, id: muted.id, on: false });
    await fail(muted.id, t0);
    await updateFailureAlertSettings(h.db, h.workspaceId, { enabled: false }, () => ({ plain: '', sealed: '' }));
    await fail(wf.id, new Date(t0.getTime() + 3_600_000));
    const count = received.length;
    expect(await sweep(new Date(t0.getTime() + 7_200_000))).toBe(0);
    expect(received.length).toBe(count);
    await updateFailureAlertSettings(h.db, h.workspaceId, { enabled: true, recipients: null, webhookUrl: null }, () => ({ plain: '', sealed: '' }));
  });
});
