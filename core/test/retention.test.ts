import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvals,
  auditLog,
  companies,
  eq,
  events,
  executionSteps,
  inArray,
  sql,
  workflowExecutions,
  workflows,
  workspaces,
  type DbHandle,
} from '@conduit/core/testing';
import { getRunRetentionDays, pruneExpiredRuns, recordAudit, setRunRetentionDays, SYSTEM_ACTOR } from '@conduit/core/domain';
import { createTestDb, TEST_DB_KINDS } from '@conduit/local/testing';

type Status = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

describe.each(TEST_DB_KINDS)('run retention on %s', (kind) => {
  let h: DbHandle;
  afterAll(async () => h?.close());

  async function workspace(slug: string, days?: number) {
    const [w] = await h.db
      .insert(workspaces)
      .values({ name: slug, slug, ...(days ? { runRetentionDays: days } : {}) })
      .returning();
    const [c] = await h.db.insert(companies).values({ workspaceId: w!.id, name: slug }).returning();
    const [wf] = await h.db
      .insert(workflows)
      .values({ workspaceId: w!.id, companyId: c!.id, name: 'Flow', trigger: { type: 'manual', allowMembers: false }, actions: [] })
      .returning();
    return { id: w!.id, workflowId: wf!.id };
  }

  /** An event received `ageDays` ago. */
  async function event(ws: string, ageDays: number, status: 'pending' | 'dispatched' = 'dispatched') {
    const [e] = await h.db
      .insert(events)
      .values({ workspaceId: ws, source: 'webhook', type: 'webhook.received', payload: { kind: 'manual' }, causation: { depth: 0, chain: [] }, status })
      .returning();
    await h.db.execute(sql`update ${events} set received_at = now() - make_interval(days => ${ageDays}::int) where id = ${e!.id}`);
    return e!.id;
  }

  /** A run created `ageDays` ago (ended `endedDaysAgo` ago when finished), with `steps` step rows. */
  async function run(
    w: { id: string; workflowId: string },
    o: { ageDays: number; status: Status; endedDaysAgo?: number; steps?: number; eventId?: string; parent?: string },
  ) {
    const [e] = await h.db
      .insert(workflowExecutions)
      .values({
        workspaceId: w.id,
        workflowId: w.workflowId,
        status: o.status,
        temporalWorkflowId: `t-${Math.random()}`,
        eventId: o.eventId ?? null,
        parentExecutionId: o.parent ?? null,
      })
      .returning();
    const ended = o.status === 'pending' || o.status === 'running' ? null : (o.endedDaysAgo ?? o.ageDays);
    await h.db.execute(sql`update ${workflowExecutions}
      set created_at = now() - make_interval(days => ${o.ageDays}::int),
          completed_at = case when ${ended}::int is null then null else now() - make_interval(days => ${ended}::int) end
      where id = ${e!.id}`);
    const n = o.steps ?? 2;
    if (n > 0)
      await h.db.insert(executionSteps).values(
        Array.from({ length: n }, (_, i) => ({
          executionId: e!.id,
          workspaceId: w.id,
          actionId: `a${i}`,
          actionType: 'wait',
          path: `actions[${i}]`,
          seq: i,
          status: 'completed' as const,
        })),
      );
    return e!.id;
  }

  const runIds = async (ids: string[]) =>
    (await h.db.select({ id: workflowExecutions.id }).from(workflowExecutions).where(inArray(workflowExecutions.id, ids))).map((r) => r.id).sort();
  const stepCount = async (ids: string[]) =>
    (await h.db.select({ id: executionSteps.id }).from(executionSteps).where(inArray(executionSteps.executionId, ids))).length;
  const eventIds = async (ids: string[]) => (await h.db.select({ id: events.id }).from(events).where(inArray(events.id, ids))).map((r) => r.id).sort();

  beforeAll(async () => {
    h = await createTestDb(kind);
  });

  it('deletes old finished runs, their steps and events; keeps young ones, runs in flight and what they need', async () => {
    const a = await workspace(`keep-${kind}`);
    expect(await getRunRetentionDays(h.db, a.id)).toBe(90);

    const oldEvent = await event(a.id, 100);
    const oldDone = await run(a, { ageDays: 100, status: 'completed', eventId: oldEvent, steps: 3 });
    const oldFailed = await run(a, { ageDays: 95, status: 'failed' });
    const oldCancelled = await run(a, { ageDays: 91, status: 'cancelled' });
    await h.db.insert(approvals).values({
      workspaceId: a.id,
      executionId: oldFailed,
      workflowId: a.workflowId,
      actionId: 'a0',
      temporalWorkflowId: 't',
      approvers: ['admin'],
      message: 'ok?',
      status: 'expired',
      onTimeout: 'fail',
      expiresAt: new Date(),
    });
    const young = await run(a, { ageDays: 10, status: 'completed' });
    // Started long ago, ended last week (a long wait): kept until it has been over for 90 days.
    const longWait = await run(a, { ageDays: 200, status: 'completed', endedDaysAgo: 5 });
    const inflightEvent = await event(a.id, 150);
    const oldRunning = await run(a, { ageDays: 150, status: 'running', eventId: inflightEvent });
    const oldPending = await run(a, { ageDays: 120, status: 'pending' });
    // A finished parent whose called child still runs: the child's page and call chain read it.
    const parent = await run(a, { ageDays: 100, status: 'completed' });
    const child = await run(a, { ageDays: 100, status: 'running', parent });
    const orphanOld = await event(a.id, 100);
    const orphanYoung = await event(a.id, 3);
    const undispatchedOld = await event(a.id, 100, 'pending');
    await recordAudit(h.db, { workspaceId: a.id, actor: SYSTEM_ACTOR, action: 'workflow.published', target: { type: 'workflow' }, summary: 'old entry' });

    const result = await pruneExpiredRuns(h.db);
    expect(result).toMatchObject({ executions: 3, steps: 7, events: 2, done: true });

    const kept = [young, longWait, oldRunning, oldPending, parent, child];
    expect(await runIds([oldDone, oldFailed, oldCancelled, ...kept])).toEqual([...kept].sort());
    expect(await stepCount([oldDone, oldFailed, oldCancelled])).toBe(0);
    expect(await stepCount(kept)).toBe(kept.length * 2);
    expect(await eventIds([oldEvent, inflightEvent, orphanOld, orphanYoung, undispatchedOld])).toEqual([inflightEvent, orphanYoung, undispatchedOld].sort());
    // The approval went with its run (cascade); the audit log is kept whatever its age.
    expect(await h.db.select().from(approvals).where(eq(approvals.executionId, oldFailed))).toEqual([]);
    expect((await h.db.select().from(auditLog).where(eq(auditLog.workspaceId, a.id))).map((r) => r.summary)).toEqual(['old entry']);

    // A second pass finds nothing more: what it kept, it keeps.
    expect(await pruneExpiredRuns(h.db)).toMatchObject({ executions: 0, steps: 0, events: 0 });
    // Once the child ends, the parent goes at the next pass (the child too: it is as old).
    await h.db.update(workflowExecutions).set({ status: 'completed', completedAt: sql`now() - interval '100 days'` }).where(eq(workflowExecutions.id, child));
    expect(await pruneExpiredRuns(h.db)).toMatchObject({ executions: 2, steps: 4, done: true });
    expect(await runIds([parent, child])).toEqual([]);
  });

  it("prunes each workspace by its own setting: one workspace's short retention never touches another's runs", async () => {
    const long = await workspace(`long-${kind}`);
    const short = await workspace(`short-${kind}`);
    await setRunRetentionDays(h.db, long.id, 3650);
    await setRunRetentionDays(h.db, short.id, 30);
    expect(await getRunRetentionDays(h.db, short.id)).toBe(30);
    const inLong = [await run(long, { ageDays: 50, status: 'completed' }), await run(long, { ageDays: 400, status: 'failed' })];
    const longEvent = await event(long.id, 400);
    const inShort = [await run(short, { ageDays: 50, status: 'completed' }), await run(short, { ageDays: 40, status: 'failed' })];
    const shortYoung = await run(short, { ageDays: 20, status: 'completed' });
    const shortEvent = await event(short.id, 40);

    await pruneExpiredRuns(h.db);
    expect(await runIds([...inLong, ...inShort, shortYoung])).toEqual([...inLong, shortYoung].sort());
    expect(await eventIds([longEvent, shortEvent])).toEqual([longEvent]);
    await expect(setRunRetentionDays(h.db, short.id, 0)).rejects.toThrow(/at least 1 day/);
    await expect(setRunRetentionDays(h.db, short.id, 3651)).rejects.toThrow(/at most 3650 days/);
    // The database holds the bounds too, for a writer that skips the domain.
    await expect(h.db.update(workspaces).set({ runRetentionDays: 0 }).where(eq(workspaces.id, short.id))).rejects.toThrow();
  });

  it('deletes a backlog in bounded statements, and a deadline stops it between batches to carry on next time', async () => {
    const w = await workspace(`backlog-${kind}`, 7);
    const old = [];
    for (let i = 0; i < 23; i++) old.push(await run(w, { ageDays: 30, status: i % 2 ? 'completed' : 'failed', steps: 4 }));
    for (let i = 0; i < 12; i++) await event(w.id, 30);

    const cut = await pruneExpiredRuns(h.db, { batchSize: 5, deadline: new Date(Date.now() - 1) });
    expect(cut).toMatchObject({ executions: 0, done: false });

    const sizes: Record<string, number[]> = { executions: [], steps: [], events: [] };
    const r = await pruneExpiredRuns(h.db, { batchSize: 5, onBatch: (table, rows) => sizes[table]!.push(rows) });
    expect(r).toMatchObject({ executions: 23, steps: 92, events: 12, done: true });
    for (const table of ['executions', 'steps', 'events']) expect(Math.max(...sizes[table]!)).toBeLessThanOrEqual(5);
    // 23 runs in batches of 5: five batches; their 92 steps took at least 19 statements.
    expect(sizes.executions).toEqual([5, 5, 5, 5, 3]);
    expect(sizes.steps!.length).toBeGreaterThanOrEqual(19);
    expect(await runIds(old)).toEqual([]);
  });
});
