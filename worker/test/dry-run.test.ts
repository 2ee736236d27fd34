import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowActionInput } from '@conduit/core/definition';
import { and, approvals, devMail, eq, records, workflowExecutions } from '@conduit/core/testing';
import { startHarness, type Harness } from './harness';

/**
 * Dry runs on the real Temporal dev server and PGlite, at the workflow's level: effect steps leave a
 * "would have" row and no trace outside (no mail, no approval asked, no record); a called workflow
 * runs dry too. Failed steps' times come from one clock, so no duration is negative.
 */
describe('dry runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('records approvals, mail and record writes as "would have", runs the logic, and calls children dry', async () => {
    const childActions: WorkflowActionInput[] = [{ id: 'made', type: 'create_record', object: 'dry_child', data: { n: '{{trigger.payload.n}}' } }];
    const child = await h.createCallable(childActions);
    const r = await h.startRun(
      [
        { id: 'ask', type: 'wait_for_approval', approvers: ['ann@example.com'], message: 'Refund {{trigger.amount}}?', timeout: '1h', onTimeout: 'fail' },
        {
          id: 'gate',
          type: 'condition',
          if: { all: [{ left: '{{steps.ask.output.decision}}', op: 'eq', right: 'approved' }] },
          then: [{ id: 'mail', type: 'send_email', to: 'ann@example.com', subject: 'Refunded {{trigger.amount}}', body: 'Done' }],
          else: [],
        },
        { id: 'refund', type: 'create_record', object: 'dry_refund', data: { amount: '{{trigger.amount}}' } },
        { id: 'call', type: 'call_workflow', workflowId: child.id, input: { n: 7 } },
      ],
      { trigger: { kind: 'manual', amount: 120 }, isTest: true, dryRun: true },
    );
    const summary = await r.handle.result();
    expect(summary.status).toBe('completed');
    const s = await h.steps(r.executionId);
    expect(s.ask).toMatchObject({
      status: 'completed',
      input: { approvers: ['ann@example.com'], message: 'Refund 120?' },
      output: { dryRun: true, decision: 'approved', wouldHave: 'Would have asked for approval (a dry run takes it as approved)' },
    });
    // The condition really ran on the approval's dry outcome.
    expect(s.gate!.output).toMatchObject({ branch: 'then', result: true });
    expect(s.mail).toMatchObject({ input: { subject: 'Refunded 120' }, output: { dryRun: true, wouldHave: 'Would have sent this email' } });
    expect(s.refund).toMatchObject({ input: { data: { amount: 120 } }, output: { dryRun: true } });
    expect(s.call!.status).toBe('completed');
    // No approval was opened, no mail kept, no record written, here or in the called workflow.
    expect(await h.db.select().from(approvals).where(eq(approvals.workspaceId, h.workspaceId))).toEqual([]);
    expect(await h.db.select().from(devMail).where(eq(devMail.workspaceId, h.workspaceId))).toEqual([]);
    expect(await h.db.select().from(records).where(eq(records.workspaceId, h.workspaceId))).toEqual([]);
    const [childRun] = await h.db
      .select()
      .from(workflowExecutions)
      .where(and(eq(workflowExecutions.workspaceId, h.workspaceId), eq(workflowExecutions.parentExecutionId, r.executionId)));
    expect(childRun).toMatchObject({ dryRun: true, status: 'completed' });
    expect((await h.steps(childRun!.id)).made!.output).toMatchObject({ dryRun: true });
  });

  it('a live run of the same kind of steps really writes (the dry flag is what stops them)', async () => {
    const r = await h.startRun([{ id: 'refund', type: 'create_record', object: 'live_refund', data: { amount: '{{trigger.amount}}' } }], {
      trigger: { kind: 'manual', amount: 5 },
    });
    expect((await r.handle.result()).status).toBe('completed');
    const rows = await h.db
      .select()
      .from(records)
      .where(and(eq(records.workspaceId, h.workspaceId), eq(records.object, 'live_refund')));
    expect(rows.map((x) => x.data)).toEqual([{ amount: 5 }]);
  });

  it.each([
    ['a lone local step', [{ id: 'boom', type: 'run_script', code: 'throw new Error("no")' }]],
    [
      'a step failing inside a segment',
      [
        { id: 'ok', type: 'run_script', code: 'return 1' },
        { id: 'boom', type: 'run_script', code: 'let x = 0; for (let i = 0; i < 2e5; i++) x += i; throw new Error("no " + x)' },
      ],
    ],
  ] as [string, WorkflowActionInput[]][])('a failed step never ends before it started: %s', async (_name, actions) => {
    const r = await h.startRun(actions);
    expect((await r.handle.result()).status).toBe('failed');
    const boom = (await h.steps(r.executionId)).boom!;
    expect(boom.status).toBe('failed');
    expect(boom.completedAt!.getTime()).toBeGreaterThanOrEqual(boom.startedAt!.getTime());
  });
});
