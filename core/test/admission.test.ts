import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, eq, executionSteps, sql, workflowExecutions, workflows, workspaces, workspaceUsage, type DbHandle } from '@conduit/core/testing';
import { ACTION_META, waitsDurably } from '@conduit/core/action-meta';
import { rowsOf } from '@conduit/core/db';
import { admitQueuedRuns, admitRun, setWorkspaceLimits, usageMonth, workspaceUsage as readUsage, type WorkspaceLimits } from '@conduit/core/domain';
import { createTestDb, TEST_DB_KINDS } from '@conduit/local/testing';

/**
 * Admission (migration 0012's `conduit_admit_run`) decided by many callers at once: the concurrent-run
 * limit and the monthly quota are exact, a redelivered admission changes nothing, and a workspace
 * without limits admits everything.
 */
describe.each(TEST_DB_KINDS)('run admission on %s', (kind) => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await createTestDb(kind);
  });
  afterAll(async () => h?.close());

  let n = 0;
  async function workspace(limits: Partial<WorkspaceLimits>) {
    const slug = `adm-${kind}-${++n}`;
    const [w] = await h.db.insert(workspaces).values({ name: slug, slug }).returning();
    await setWorkspaceLimits(h.db, w!.id, limits);
    const [c] = await h.db.insert(companies).values({ workspaceId: w!.id, name: slug }).returning();
    const [wf] = await h.db
      .insert(workflows)
      .values({ workspaceId: w!.id, companyId: c!.id, name: 'Flow', trigger: { type: 'manual', allowMembers: false }, actions: [] })
      .returning();
    return { id: w!.id, workflowId: wf!.id };
  }

  async function pendingRuns(w: { id: string; workflowId: string }, count: number): Promise<string[]> {
    const rows = await h.db
      .insert(workflowExecutions)
      .values(
        Array.from({ length: count }, () => ({
          workspaceId: w.id,
          workflowId: w.workflowId,
          status: 'pending' as const,
          temporalWorkflowId: `t-${Math.random()}`,
        })),
      )
      .returning({ id: workflowExecutions.id });
    return rows.map((r) => r.id);
  }

  const tally = (ds: string[]) => ds.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d]: (acc[d] ?? 0) + 1 }), {});

  it('twenty admissions at once with a limit of three: exactly three admitted, the rest queued, all counted once', async () => {
    const w = await workspace({ maxConcurrentRuns: 3, monthlyRunQuota: null, eventsPerSecond: null });
    const ids = await pendingRuns(w, 20);
    const first = await Promise.all(ids.map((executionId) => admitRun(h.db, { workspaceId: w.id, executionId, queueable: true })));
    expect(tally(first.map((a) => a.decision))).toEqual({ admitted: 3, queued: 17 });
    // Redelivered: the same decisions, nothing counted twice.
    const again = await Promise.all(ids.map((executionId) => admitRun(h.db, { workspaceId: w.id, executionId, queueable: true })));
    expect(again.map((a) => a.decision)).toEqual(first.map((a) => a.decision));
    const usage = await readUsage(h.db, w.id);
    expect(usage).toMatchObject({ runs: 20, running: 3, queued: 17 });
    // A slot frees: the promoter admits exactly one more.
    const done = ids[first.findIndex((a) => a.decision === 'admitted')]!;
    await h.db.update(workflowExecutions).set({ status: 'completed' }).where(eq(workflowExecutions.id, done));
    const promoted = await admitQueuedRuns(h.db, w.id);
    expect(promoted.ready.length + promoted.orphaned.length).toBe(1);
  });

  it('a run a person starts is never queued, even at the limit, and still takes a slot', async () => {
    const w = await workspace({ maxConcurrentRuns: 1, monthlyRunQuota: null, eventsPerSecond: null });
    const [a, b, c] = await pendingRuns(w, 3);
    expect((await admitRun(h.db, { workspaceId: w.id, executionId: a!, queueable: true })).decision).toBe('admitted');
    expect((await admitRun(h.db, { workspaceId: w.id, executionId: b!, queueable: false })).decision).toBe('admitted');
    expect((await admitRun(h.db, { workspaceId: w.id, executionId: c!, queueable: true })).decision).toBe('queued');
  });

  it('the monthly quota is exact under concurrency: eight at once against a quota of five', async () => {
    const w = await workspace({ monthlyRunQuota: 5, maxConcurrentRuns: null, eventsPerSecond: null });
    const ids = await pendingRuns(w, 8);
    const out = await Promise.all(ids.map((executionId) => admitRun(h.db, { workspaceId: w.id, executionId, queueable: false })));
    expect(tally(out.map((a) => a.decision))).toEqual({ admitted: 5, refused: 3 });
    // The warning share (80 %) is crossed by exactly one admission.
    expect(out.filter((a) => a.warn)).toHaveLength(1);
    const [u] = await h.db.select().from(workspaceUsage).where(eq(workspaceUsage.workspaceId, w.id));
    expect(u).toMatchObject({ month: usageMonth(), runs: 5 });
  });

  it('a workspace without limits admits every run and counts each once', async () => {
    const w = await workspace({ monthlyRunQuota: null, maxConcurrentRuns: null, eventsPerSecond: null });
    const ids = await pendingRuns(w, 12);
    const out = await Promise.all(ids.map((executionId) => admitRun(h.db, { workspaceId: w.id, executionId, queueable: true })));
    expect(out.every((a) => a.decision === 'admitted')).toBe(true);
    expect((await readUsage(h.db, w.id))?.runs).toBe(12);
  });

  it('a run holds no slot while a step of a type that waits durably runs: the types ACTION_META marks', async () => {
    const w = await workspace({ maxConcurrentRuns: 100, monthlyRunQuota: null, eventsPerSecond: null });
    const types = Object.keys(ACTION_META) as (keyof typeof ACTION_META)[];
    const ids = await pendingRuns(w, types.length);
    for (const executionId of ids) await admitRun(h.db, { workspaceId: w.id, executionId, queueable: true });
    await h.db.insert(executionSteps).values(
      types.map((type, i) => ({
        executionId: ids[i]!,
        workspaceId: w.id,
        actionId: 's',
        actionType: type,
        path: 'actions[0]',
        seq: 0,
        status: 'running' as const,
      })),
    );
    const inFlight = async () => rowsOf<{ n: number }>(await h.db.execute(sql`select conduit_runs_in_flight(${w.id}::uuid) as n`))[0]!.n;
    expect(await inFlight()).toBe(types.filter((t) => !waitsDurably(t)).length);
    expect(types.filter(waitsDurably).sort()).toEqual(['call_workflow', 'wait', 'wait_for_approval']);
  });

  it('an unknown workspace is an error, not an admission', async () => {
    const w = await workspace({});
    const [id] = await pendingRuns(w, 1);
    await expect(admitRun(h.db, { workspaceId: '00000000-0000-4000-8000-000000000000', executionId: id!, queueable: true })).rejects.toThrow(/not found/);
  });
});
