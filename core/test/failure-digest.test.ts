import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, devMail, eq, failureAlertState, memberships, users, workflowExecutions, workflows, workspaces, type DbHandle } from '@conduit/core/testing';
import { DIGEST_INTERVAL_MS, recordRunFailure, sendDueFailureDigests, type FailureDigest } from '@conduit/core/domain';
import { createMailer } from '@conduit/core/mail';
import { createTestDb, TEST_DB_KINDS } from '@conduit/local/testing';

/**
 * The failure-alert digest's sending (worker/src/alerts/digest.ts formats it): claimed in a short
 * transaction and sent after it. On the embedded database a transaction holds its only session,
 * and the dev inbox mailer writes through the same database: sent inside the claim, the first due
 * digest froze the whole instance.
 */
describe.each(TEST_DB_KINDS)('failure digests on %s', (kind) => {
  let h: DbHandle;
  let workspaceId: string;
  let companyId: string;
  beforeAll(async () => {
    h = await createTestDb(kind);
    const [w] = await h.db
      .insert(workspaces)
      .values({ name: 'Digests', slug: `digests-${kind}` })
      .returning();
    workspaceId = w!.id;
    const [c] = await h.db.insert(companies).values({ workspaceId, name: 'Acme' }).returning();
    companyId = c!.id;
    const [u] = await h.db.insert(users).values({ email: 'Admin@Example.com', name: 'Admin', passwordHash: 'x' }).returning();
    await h.db.insert(memberships).values({ workspaceId, userId: u!.id, role: 'admin' });
  });
  afterAll(async () => h?.close());

  async function workflow(name: string) {
    const [wf] = await h.db
      .insert(workflows)
      .values({ workspaceId, companyId, name, trigger: { type: 'manual', allowMembers: false }, actions: [] })
      .returning();
    return wf!.id;
  }
  /** A failed run, counted as the transaction that ends a run failed counts it. */
  async function fail(workflowId: string, at: Date, error = 'step "Explode" failed: kaput') {
    const [run] = await h.db
      .insert(workflowExecutions)
      .values({ workspaceId, workflowId, status: 'failed', temporalWorkflowId: `t-${Math.random()}` })
      .returning({ id: workflowExecutions.id });
    await h.db.transaction((tx) => recordRunFailure(tx, { workspaceId, executionId: run!.id, error, causation: { depth: 0, chain: [] }, at }));
    return run!.id;
  }
  const state = async (workflowId: string) => (await h.db.select().from(failureAlertState).where(eq(failureAlertState.workflowId, workflowId)))[0]!;
  const inbox = async (subject: string) => (await h.db.select().from(devMail).where(eq(devMail.workspaceId, workspaceId))).filter((m) => m.subject === subject);
  const at = (t0: Date, ms: number) => new Date(t0.getTime() + ms);

  it('mails a due digest through the dev inbox (the default mailer) and clears what it sent', { timeout: 20_000 }, async () => {
    const mailer = await createMailer({ SMTP_URL: undefined, AWS_REGION: 'us-east-1' }, h.db);
    const wf = await workflow('Nightly sync');
    const t0 = new Date('2030-02-01T10:00:00Z');
    const ids = [await fail(wf, t0), await fail(wf, at(t0, 1_000))];
    const seen: FailureDigest[] = [];
    const sent = await sendDueFailureDigests(h.db, at(t0, 2_000), async (d) => {
      seen.push(d);
      await mailer.send({
        workspaceId: d.workspaceId,
        executionId: null,
        from: 'x@conduit.test',
        to: d.recipients,
        cc: [],
        bcc: [],
        subject: `${d.workflowName}: ${d.count}`,
        idempotencyKey: d.workflowId,
      });
    });
    expect(sent).toBe(1);
    expect(seen).toMatchObject([{ workflowName: 'Nightly sync', count: 2, executionIds: ids, firstFailedAt: t0 }]);
    expect(await inbox('Nightly sync: 2')).toMatchObject([{ to: ['admin@example.com'] }]);
    expect(await state(wf)).toMatchObject({ pendingCount: 0, pendingExecutionIds: [], nextSendAt: null, lastSentAt: at(t0, 2_000) });
  });

  it('a failed send keeps its digest for a later sweep and does not hold back the next workflow', async () => {
    const [broken, fine] = [await workflow('Broken'), await workflow('Fine')];
    const t0 = new Date('2030-03-01T10:00:00Z');
    const brokenRun = await fail(broken, t0);
    await fail(fine, at(t0, 1_000));
    const tried: FailureDigest[] = [];
    const failed: string[] = [];
    const send = async (d: FailureDigest) => {
      tried.push(d);
      if (d.workflowId === broken) throw new Error('the alert webhook answered 500');
    };
    const onFailed = (d: FailureDigest) => failed.push(d.workflowName);
    expect(await sendDueFailureDigests(h.db, at(t0, 2_000), send, { onFailed })).toBe(1);
    expect(tried.map((d) => d.workflowName)).toEqual(['Broken', 'Fine']);
    expect(failed).toEqual(['Broken']);
    // Not every sweep: the recipients get at most one digest per interval, a broken webhook or not.
    expect(await sendDueFailureDigests(h.db, at(t0, 60_000), send, { onFailed })).toBe(0);
    expect(tried).toHaveLength(2);
    await sendDueFailureDigests(h.db, at(t0, 2_000 + DIGEST_INTERVAL_MS), async (d) => void tried.push(d));
    expect(tried.at(-1)).toMatchObject({ workflowName: 'Broken', count: 1, executionIds: [brokenRun] });
    expect(await state(broken)).toMatchObject({ pendingCount: 0, nextSendAt: null });
  });

  it('failures counted while a digest is out stay for the next one, and a second sweep meanwhile skips the claimed digest', async () => {
    const wf = await workflow('Busy');
    const t0 = new Date('2030-04-01T10:00:00Z');
    const first = await fail(wf, t0);
    let late = '';
    let concurrent = -1;
    expect(
      await sendDueFailureDigests(h.db, at(t0, 1_000), async (d) => {
        if (d.workflowId !== wf) return;
        late = await fail(wf, at(t0, 1_500), 'step "Explode" failed: later');
        // Another worker sweeping while this digest is out: it is leased, nothing is due.
        concurrent = await sendDueFailureDigests(h.db, at(t0, 1_600), async () => {});
      }),
    ).toBe(1);
    expect(concurrent).toBe(0);
    expect(await state(wf)).toMatchObject({
      pendingCount: 1,
      pendingExecutionIds: [late],
      firstFailedAt: null,
      lastError: 'step "Explode" failed: later',
      nextSendAt: at(t0, 1_000 + DIGEST_INTERVAL_MS),
    });
    const next: FailureDigest[] = [];
    await sendDueFailureDigests(h.db, at(t0, 1_000 + DIGEST_INTERVAL_MS), async (d) => void next.push(d));
    expect(next).toMatchObject([{ count: 1, executionIds: [late] }]);
    expect(next[0]!.executionIds).not.toContain(first);
  });
});
