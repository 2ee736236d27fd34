import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecution, openApproval } from '@conduit/core/domain';
import { workflows } from '@conduit/core/testing';
import { PRIORITY_KEY, RUN_WORKFLOW, runPriority } from '@conduit/core/temporal';
import { createTestApi, type TestApi } from './api-helpers';

// The approval routes over a real database: who may decide, single use, forged links, words.
// No run listens here: the signal fails and the decision stays recorded for the run's timer.

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi('pglite');
});
afterAll(async () => {
  await t?.close();
});

async function pending(approvers: string[]) {
  const [wf] = await t.db
    .insert(workflows)
    .values({
      name: 'Refunds',
      workspaceId: t.a.id,
      companyId: t.a.companyId,
      trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false } as never,
      actions: [],
    })
    .returning();
  const { execution } = await createExecution(t.db, { workspaceId: t.a.id, workflowId: wf!.id, versionId: null, eventId: null, input: {} });
  return openApproval(t.db, {
    workspaceId: t.a.id,
    executionId: execution.id,
    workflowId: wf!.id,
    actionId: 'ask',
    temporalWorkflowId: execution.temporalWorkflowId,
    approvers,
    message: 'Refund 120 EUR?',
    onTimeout: 'reject',
    expiresAt: new Date(Date.now() + 3_600_000),
  });
}

describe('approval routes', () => {
  it('lists pending approvals for their approvers only; a non-approver gets 403, a second decision 409', async () => {
    const { approval } = await pending([t.a.member.email]);
    const admin = await t.login(t.a.admin.email);
    const member = await t.login(t.a.member.email);
    const other = await t.login(t.b.admin.email);
    const mine = await t.call('GET', `/api/workspaces/${t.a.id}/approvals?status=pending`, { cookie: member });
    expect((mine.data as { items: { id: string; workflowName: string }[] }).items).toEqual([
      expect.objectContaining({ id: approval.id, workflowName: 'Refunds' }),
    ]);
    expect((await t.call('GET', `/api/workspaces/${t.a.id}/approvals?status=pending`, { cookie: admin })).data).toEqual({ items: [] });
    const path = `/api/workspaces/${t.a.id}/approvals/${approval.id}/decision`;
    const forbidden = await t.call('POST', path, { cookie: admin, json: { decision: 'approve' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.data).toMatchObject({ error: { message: 'you are not one of the approvers of this step' } });
    expect((await t.call('POST', path.replace(t.a.id, t.b.id), { cookie: other, json: { decision: 'approve' } })).status).toBe(404);
    const ok = await t.call('POST', path, { cookie: member, json: { decision: 'reject', comment: 'too much' } });
    expect(ok.status).toBe(200);
    expect(ok.data).toMatchObject({ status: 'rejected', decidedBy: t.a.member.email.toLowerCase(), comment: 'too much' });
    const again = await t.call('POST', path, { cookie: member, json: { decision: 'approve' } });
    expect(again.status).toBe(409);
    expect(again.data).toMatchObject({ error: { message: `this approval was already rejected by ${t.a.member.email.toLowerCase()}` } });
  });

  it('an emailed link shows what it decides without deciding, works once, and a forged one is 404', async () => {
    const { links } = await pending(['admin']);
    const link = links.find((l) => l.email === t.a.admin.email.toLowerCase())!;
    const shown = await t.call('GET', `/api/approval-links/${link.approve}`);
    expect(shown.data).toMatchObject({ workflowName: 'Refunds', message: 'Refund 120 EUR?', decision: 'approve', state: 'open', status: 'pending' });
    expect((await t.call('GET', `/api/approval-links/${link.approve}`)).data).toMatchObject({ state: 'open' });
    const done = await t.call('POST', `/api/approval-links/${link.approve}`, { json: { comment: 'fine' } });
    expect(done.status).toBe(200);
    expect(done.data).toMatchObject({ state: 'used', status: 'approved', decidedBy: t.a.admin.email.toLowerCase() });
    const reused = await t.call('POST', `/api/approval-links/${link.approve}`, { json: {} });
    expect(reused.status).toBe(409);
    expect(reused.data).toMatchObject({ error: { message: 'this link was already used' } });
    expect((await t.call('GET', `/api/approval-links/${link.reject}`)).data).toMatchObject({ state: 'decided' });
    const forged = await t.call('POST', `/api/approval-links/${'x'.repeat(43)}`, { json: {} });
    expect(forged.status).toBe(404);
  });

  it('a decision raises the waiting run to interactive priority, keeping its workspace as fairness key', async () => {
    const { approval } = await pending([t.a.member.email]);
    // A started run for the approval to wake (on a task queue no worker polls, so it stays waiting).
    const handle = await t.temporal.workflow.start(RUN_WORKFLOW, {
      taskQueue: `api-tests-${crypto.randomUUID()}`,
      workflowId: approval.temporalWorkflowId,
      args: [],
      priority: runPriority(t.a.id, 'bulk'),
    });
    try {
      const member = await t.login(t.a.member.email);
      const ok = await t.call('POST', `/api/workspaces/${t.a.id}/approvals/${approval.id}/decision`, { cookie: member, json: { decision: 'approve' } });
      expect(ok.status).toBe(200);
      expect((await handle.describe()).priority).toMatchObject({ priorityKey: PRIORITY_KEY.interactive, fairnessKey: t.a.id });
    } finally {
      await handle.terminate('test done').catch(() => {});
    }
  });
});
