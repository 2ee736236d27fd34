import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals, approvalTokens, devMail, eq, memberships, users } from '@conduit/core/testing';
import { decideApproval, decideByToken, findApprovalToken, getApproval } from '@conduit/core/domain';
import { APPROVAL_SIGNAL } from '@conduit/core/temporal';
import type { Progress } from '../src';
import { startHarness, type Harness } from './harness';

// wait_for_approval on the real stack: PostgreSQL, the Temporal dev server, the dev inbox.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ db: 'pg', env: { PUBLIC_URL: 'https://conduit.example.com' } });
  const [admin] = await h.db.insert(users).values({ email: 'Boss@Example.com', name: 'Boss', passwordHash: 'x' }).returning();
  await h.db.insert(memberships).values({ workspaceId: h.workspaceId, userId: admin!.id, role: 'admin' });
});
afterAll(async () => {
  await h?.close();
});

async function until<T>(fn: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
}

const flow = (timeout: string, onTimeout: 'approve' | 'reject' | 'fail') => [
  { id: 'ask', type: 'wait_for_approval' as const, approvers: ['ann@example.com', 'admin'], message: 'Refund {{trigger.amount}} EUR?', timeout, onTimeout },
  {
    id: 'gate',
    type: 'condition' as const,
    if: { all: [{ left: '{{steps.ask.output.decision}}', op: 'eq' as const, right: 'approved' }] },
    then: [{ id: 'refund', type: 'create_record' as const, object: 'refund', data: { by: '{{steps.ask.output.by}}' } }],
    else: [],
  },
];

const approvalOf = (executionId: string) => until(async () => (await h.db.select().from(approvals).where(eq(approvals.executionId, executionId)))[0]);

/** The links of one approver, read back from the mail the dev inbox kept. */
async function linksFor(executionId: string, email: string) {
  const mails = await h.db.select().from(devMail).where(eq(devMail.executionId, executionId));
  const mail = mails.find((m) => m.to.includes(email));
  if (!mail) return null;
  const approve = /Approve: https:\/\/conduit\.example\.com\/approvals\/(\S+)/.exec(mail.text ?? '')?.[1];
  const reject = /Reject: {2}https:\/\/conduit\.example\.com\/approvals\/(\S+)/.exec(mail.text ?? '')?.[1];
  return approve && reject ? { approve, reject, subject: mail.subject, text: mail.text ?? '' } : null;
}

describe('wait_for_approval', () => {
  it('emails each approver (admin expanded) one-time links; approving by link wakes the run, which takes the approved branch', async () => {
    const r = await h.startRun(flow('1h', 'fail'), { trigger: { kind: 'manual', amount: 120 } });
    const row = await approvalOf(r.executionId);
    expect(row).toMatchObject({ status: 'pending', approvers: ['ann@example.com', 'admin'], message: 'Refund 120 EUR?', onTimeout: 'fail' });
    const ann = await until(() => linksFor(r.executionId, 'ann@example.com'));
    expect(await until(() => linksFor(r.executionId, 'boss@example.com'))).toBeTruthy();
    expect(ann.subject).toBe('Approval needed: wf');
    expect(ann.text).toContain('Refund 120 EUR?');
    // Only hashes are stored.
    const stored = await h.db.select().from(approvalTokens).where(eq(approvalTokens.approvalId, row.id));
    expect(stored).toHaveLength(4);
    expect(stored.map((t) => t.tokenHash)).not.toContain(ann.approve);
    expect((await h.steps(r.executionId)).ask!.status).toBe('running');

    const decided = await decideByToken(h.db, ann.approve, { comment: 'ok by me', at: new Date() });
    expect(decided).toMatchObject({ ok: true });
    if (!decided?.ok) throw new Error('not decided');
    await r.handle.signal(APPROVAL_SIGNAL, decided.signal);
    expect((await r.handle.result()).status).toBe('completed');
    const s = await h.steps(r.executionId);
    expect(s.ask!.output).toMatchObject({ decision: 'approved', by: 'ann@example.com', comment: 'ok by me', timedOut: false });
    expect(s.refund).toMatchObject({ status: 'completed', output: { record: { by: 'ann@example.com' } } });

    // Reused and forged links; the other approver's link after the decision.
    expect(await decideByToken(h.db, ann.approve, { comment: null, at: new Date() })).toMatchObject({ ok: false, reason: 'used' });
    expect(await decideByToken(h.db, `${ann.approve.slice(0, -2)}xx`, { comment: null, at: new Date() })).toBeNull();
    const boss = (await linksFor(r.executionId, 'boss@example.com'))!;
    expect(await decideByToken(h.db, boss.reject, { comment: null, at: new Date() })).toMatchObject({ ok: false, reason: 'decided' });
    expect((await findApprovalToken(h.db, boss.reject))!.usedAt).not.toBeNull();
  });

  it('a decision recorded but never signalled still reaches the run when its timer fires', async () => {
    const r = await h.startRun(flow('3s', 'fail'), { trigger: { kind: 'manual', amount: 5 } });
    const row = await approvalOf(r.executionId);
    const view = (await getApproval(h.db, { workspaceId: h.workspaceId, id: row.id }))!;
    const d = await decideApproval(h.db, view, { decision: 'reject', by: 'boss@example.com', comment: 'no', at: new Date() });
    expect(d.ok).toBe(true);
    // No signal: the run learns of the decision from the row.
    expect((await r.handle.result()).status).toBe('completed');
    const s = await h.steps(r.executionId);
    expect(s.ask!.output).toMatchObject({ decision: 'rejected', by: 'boss@example.com', comment: 'no', timedOut: false });
    expect(s.refund!.status).toBe('skipped');
  });

  it.each([
    ['approve', 'completed', 'completed'],
    ['reject', 'completed', 'skipped'],
    ['fail', 'failed', 'skipped'],
  ] as const)('times out with onTimeout %s: the run %s, the approved branch %s, the approval expired', async (onTimeout, runStatus, refund) => {
    const r = await h.startRun(flow('1s', onTimeout), { trigger: { kind: 'manual', amount: 1 } });
    expect((await r.handle.result()).status).toBe(runStatus);
    const s = await h.steps(r.executionId);
    expect(s.refund!.status).toBe(refund);
    if (onTimeout === 'fail') expect(s.ask).toMatchObject({ status: 'failed', error: 'nobody approved or rejected within 1s' });
    else expect(s.ask!.output).toMatchObject({ decision: onTimeout === 'approve' ? 'approved' : 'rejected', by: null, timedOut: true });
    expect((await approvalOf(r.executionId)).status).toBe('expired');
    // Too late for a link.
    const links = (await linksFor(r.executionId, 'ann@example.com'))!;
    expect(await decideByToken(h.db, links.approve, { comment: null, at: new Date() })).toMatchObject({ ok: false });
  });

  it('keeps waiting across a worker restart and takes the decision signalled while no worker ran', async () => {
    const r = await h.startRun(flow('1h', 'fail'), { trigger: { kind: 'manual', amount: 9 } });
    const row = await approvalOf(r.executionId);
    await until(async () => (await r.handle.query<Progress>('progress')).steps.some((x) => x.actionId === 'ask' && x.status === 'running'));
    await h.stopWorker();
    const view = (await getApproval(h.db, { workspaceId: h.workspaceId, id: row.id }))!;
    const d = await decideApproval(h.db, view, { decision: 'approve', by: 'ann@example.com', comment: null, at: new Date() });
    if (!d.ok) throw new Error('not decided');
    await r.handle.signal(APPROVAL_SIGNAL, d.signal);
    await h.startWorker();
    expect((await r.handle.result()).status).toBe('completed');
    expect((await h.steps(r.executionId)).refund!.status).toBe('completed');
    // One approval row and one set of mails: the restart replayed, it did not open the approval again.
    expect(await h.db.select().from(approvals).where(eq(approvals.executionId, r.executionId))).toHaveLength(1);
    expect(await h.db.select().from(devMail).where(eq(devMail.executionId, r.executionId))).toHaveLength(2);
  });

  it('a cancelled run leaves its links unusable, saying the run ended', async () => {
    const r = await h.startRun(flow('1h', 'fail'), { trigger: { kind: 'manual', amount: 3 } });
    const links = await until(() => linksFor(r.executionId, 'ann@example.com'));
    await r.handle.cancel();
    await until(async () => (await h.execution(r.executionId))?.status === 'cancelled');
    expect(await decideByToken(h.db, links.approve, { comment: null, at: new Date() })).toMatchObject({ ok: false, reason: 'run_ended' });
  });
});
