/**
 * The two simplest triggers end to end on the real Temporal dev server, through the whole stack
 * (HTTP API, ingress, dispatcher, run starter, worker), on PGlite and on real PostgreSQL: each run
 * reaches `completed` and its effects are in the records table.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/services/postgres';
import { signIn, postHook, type ApiClient } from '../src/testing/api-client';
import { testEnv } from '../src/testing/env';
import { startStack, type TestStack } from '../src/testing/stack';

describe.each(['pglite', 'pg'] as const)('runs end to end on %s', (kind) => {
  let stack: TestStack;
  let api: ApiClient;
  let databaseUrl: string | undefined;

  /** The records table itself, read with SQL where the database is shared (PostgreSQL); else through the API. */
  async function recordsInTable(object: string): Promise<Array<{ id: string; data: Record<string, unknown> }>> {
    if (!databaseUrl) return (await api.listRecords(object)).map((r) => ({ id: r.id, data: r.data }));
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ id: string; data: Record<string, unknown> }>(
        'select id, data from records where workspace_id = $1 and object = $2 order by created_at',
        [api.workspace.id, object],
      );
      return rows;
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    databaseUrl = kind === 'pg' ? await createDatabase(testEnv.databaseServerUrl(), 'e2e') : undefined;
    stack = await startStack(databaseUrl ? { databaseUrl } : {});
    api = await signIn(stack.url, stack.login);
    // A first start bundles the workflow code; on a busy CI box beside other suites that is slow.
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('a webhook creates a contact, then updates it, and the run completes', { timeout: 120_000 }, async () => {
    const wf = await api.createWorkflow({
      name: 'New signup',
      trigger: { type: 'webhook' },
      actions: [
        { id: 'save', type: 'create_record', object: 'contact', data: { name: '{{trigger.body.name}}', email: '{{trigger.body.email}}' } },
        { id: 'mark', type: 'update_record', object: 'contact', recordId: '{{steps.save.output.id}}', data: { status: 'welcomed' } },
      ],
    });
    const { workflow } = await api.activate(wf.id);
    const hook = await postHook(stack.url, workflow.hookPath!, { name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(hook.status).toBe(202);

    const [run] = await api.waitForRuns(wf.id, 1);
    expect(run?.status).toBe('completed');
    expect(run?.steps?.map((s) => [s.actionId, s.status])).toEqual([
      ['save', 'completed'],
      ['mark', 'completed'],
    ]);
    const created = (run!.steps![0]!.output as { id: string }).id;

    const contacts = (await recordsInTable('contact')).filter((r) => r.data.email === 'ada@example.com');
    expect(contacts).toEqual([{ id: created, data: { name: 'Ada Lovelace', email: 'ada@example.com', status: 'welcomed' } }]);
  });

  it('updating a deal runs the record-updated workflow, which creates and updates a task', { timeout: 120_000 }, async () => {
    const deal = await api.createRecord('deal', { name: 'Orbital licence', stage: 'open', amount: 12000 });
    const wf = await api.createWorkflow({
      name: 'Deal follow-up',
      trigger: { type: 'record_updated', object: 'deal' },
      actions: [
        {
          id: 'task',
          type: 'create_record',
          object: 'task',
          data: { title: 'Follow up: {{trigger.record.name}}', dealId: '{{trigger.record.id}}', stage: '{{trigger.record.stage}}' },
        },
        { id: 'open', type: 'update_record', object: 'task', recordId: '{{steps.task.output.id}}', data: { status: 'open' } },
      ],
    });
    await api.activate(wf.id);
    await api.updateRecord('deal', deal.id, { stage: 'won' });

    const [run] = await api.waitForRuns(wf.id, 1);
    expect(run?.status).toBe('completed');
    expect(run?.recordId).toBe(deal.id);
    expect(run?.input).toMatchObject({ kind: 'record', event: 'updated', recordId: deal.id, changed: ['stage'] });
    expect(run?.steps?.map((s) => [s.actionId, s.status])).toEqual([
      ['task', 'completed'],
      ['open', 'completed'],
    ]);

    const tasks = (await recordsInTable('task')).filter((t) => t.data.dealId === deal.id);
    expect(tasks.map((t) => t.data)).toEqual([{ title: 'Follow up: Orbital licence', dealId: deal.id, stage: 'won', status: 'open' }]);
    // Creating the deal (before the workflow existed) and the workflow's own task writes started nothing else.
    expect(await api.executions(wf.id)).toHaveLength(1);
  });
});
