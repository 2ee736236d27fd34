/**
 * Issue 17 on the whole product (API, dispatcher, worker, Temporal dev server): Run now, calls
 * between workflows (waited for, fire-and-forget, cancelled with the parent, stopped by the loop
 * guard's depth) with the links between the runs, and every template started and run to its
 * expected step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallLinksSchema, ExecutionDtoSchema } from '@conduit/core/api';
import { WORKFLOW_TEMPLATES } from '@conduit/core/templates';
import { postHook, signIn, type ApiClient } from '../src/testing/api-client';
import { startStack, type TestStack } from '../src/testing/stack';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP endpoint for the templates' outgoing webhooks; answers like an enrichment API. */
async function startReceiver() {
  const received: { path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, industry: 'Software', size: 50 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('manual runs, call_workflow and templates on the real stack', () => {
  let stack: TestStack;
  let api: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const w = () => `/api/workspaces/${api.workspace.id}`;

  const run = (id: string, body: unknown = {}) => api.call(ExecutionDtoSchema, 'POST', `${w()}/workflows/${id}/run`, body);
  const calls = (executionId: string) => api.call(CallLinksSchema, 'GET', `${w()}/executions/${executionId}/calls`);
  async function published(def: { name: string; trigger: unknown; actions: unknown[] }): Promise<string> {
    const wf = await api.createWorkflow(def);
    await api.activate(wf.id);
    return wf.id;
  }
  async function until<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const finished = (id: string) =>
    until(`run ${id} to finish`, async () => {
      const e = await api.execution(id);
      return ['completed', 'failed', 'cancelled'].includes(e.status) ? e : null;
    });

  beforeAll(async () => {
    receiver = await startReceiver();
    // A small depth limit so the loop guard's stop is reached in a few calls.
    stack = await startStack({ env: { ...process.env, HTTP_ALLOWLIST: '127.0.0.1', LOOP_DEPTH_LIMIT: '2' } });
    api = await signIn(stack.url, stack.login);
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('Run now starts the published version and the run completes with the payload', { timeout: 120_000 }, async () => {
    const id = await published({
      name: 'Make a note',
      trigger: { type: 'manual' },
      actions: [{ id: 'note', type: 'create_record', object: 'note', data: { text: '{{trigger.payload.text}}', by: '{{trigger.startedBy}}' } }],
    });
    const started = await run(id, { payload: { text: 'by hand' } });
    const done = await finished(started.id);
    expect(done.status).toBe('completed');
    const notes = await api.listRecords('note');
    expect(notes.map((n) => n.data)).toContainEqual({ text: 'by hand', by: stack.login.email });
  });

  it('call_workflow with wait gives the child’s outputs; both runs link to each other', { timeout: 120_000 }, async () => {
    const child = await published({
      name: 'Child adds',
      trigger: { type: 'manual' },
      actions: [{ id: 'sum', type: 'run_script', code: 'return { total: input.trigger.payload.a + input.trigger.payload.b };' }],
    });
    const parent = await published({
      name: 'Parent waits',
      trigger: { type: 'manual' },
      actions: [
        { id: 'call', type: 'call_workflow', workflowId: child, input: { a: 2, b: '{{trigger.payload.b}}' } },
        { id: 'keep', type: 'create_record', object: 'result', data: { total: '{{steps.call.output.output.sum.total}}' } },
      ],
    });
    const p = await finished((await run(parent, { payload: { b: 40 } })).id);
    expect(p.status).toBe('completed');
    const step = p.steps!.find((s) => s.actionId === 'call')!;
    expect(step.output).toMatchObject({ status: 'completed', output: { sum: { total: 42 } } });
    const childId = (step.output as { executionId: string }).executionId;
    const c = await api.execution(childId);
    expect(c).toMatchObject({ workflowId: child, status: 'completed', temporalWorkflowId: `call-${p.id}-call-0` });
    expect((await api.listRecords('result')).map((r) => r.data)).toContainEqual({ total: 42 });
    expect(await calls(p.id)).toMatchObject({ calledBy: null, called: [{ id: childId, workflowName: 'Child adds', status: 'completed' }] });
    expect(await calls(childId)).toMatchObject({ calledBy: { id: p.id, workflowName: 'Parent waits' }, called: [] });
  });

  it('fire-and-forget returns once the child started; the child finishes on its own', { timeout: 120_000 }, async () => {
    const child = await published({
      name: 'Slow child',
      trigger: { type: 'manual' },
      actions: [
        { id: 'nap', type: 'wait', duration: '3s' },
        { id: 'mark', type: 'create_record', object: 'mark', data: { from: 'slow child' } },
      ],
    });
    const parent = await published({
      name: 'Parent goes on',
      trigger: { type: 'manual' },
      actions: [{ id: 'go', type: 'call_workflow', workflowId: child, wait: false }],
    });
    const p = await finished((await run(parent)).id);
    expect(p.status).toBe('completed');
    const out = p.steps!.find((s) => s.actionId === 'go')!.output as { executionId: string; status: string };
    expect(out.status).toBe('started');
    // The parent ended while the child still waits.
    expect((await api.execution(out.executionId)).status).toBe('running');
    expect((await finished(out.executionId)).status).toBe('completed');
  });

  it('cancelling the parent cancels the child it waits for', { timeout: 120_000 }, async () => {
    const child = await published({ name: 'Long child', trigger: { type: 'manual' }, actions: [{ id: 'nap', type: 'wait', duration: '1h' }] });
    const parent = await published({
      name: 'Parent to cancel',
      trigger: { type: 'manual' },
      actions: [{ id: 'call', type: 'call_workflow', workflowId: child }],
    });
    const p = await run(parent);
    const childRun = await until('the child to wait', async () => {
      const links = await calls(p.id);
      const c = links.called[0];
      if (!c) return null;
      const e = await api.execution(c.id);
      return e.steps?.some((s) => s.actionId === 'nap' && s.status === 'running') ? e : null;
    });
    await api.call(ExecutionDtoSchema, 'POST', `${w()}/executions/${p.id}/cancel`, {}, [202]);
    expect((await finished(p.id)).status).toBe('cancelled');
    const c = await finished(childRun.id);
    expect(c.status).toBe('cancelled');
    expect(c.steps?.find((s) => s.actionId === 'nap')?.status).toBe('cancelled');
  });

  it('calls nest up to the loop guard’s depth, and the next call is stopped visibly', { timeout: 120_000 }, async () => {
    const d3 = await published({ name: 'Depth 3', trigger: { type: 'manual' }, actions: [] });
    const d2 = await published({ name: 'Depth 2', trigger: { type: 'manual' }, actions: [{ id: 'next', type: 'call_workflow', workflowId: d3 }] });
    const d1 = await published({ name: 'Depth 1', trigger: { type: 'manual' }, actions: [{ id: 'next', type: 'call_workflow', workflowId: d2 }] });
    const d0 = await published({ name: 'Depth 0', trigger: { type: 'manual' }, actions: [{ id: 'next', type: 'call_workflow', workflowId: d1 }] });
    const top = await finished((await run(d0)).id);
    expect(top.status).toBe('failed');
    // 0 → 1 → 2 run; the call from depth 2 to depth 3 is past the limit of 2.
    const l1 = (await calls(top.id)).called[0]!;
    const l2 = (await calls(l1.id)).called[0]!;
    const deepest = await api.execution(l2.id);
    expect(deepest.workflowId).toBe(d2);
    expect(deepest.steps?.find((s) => s.actionId === 'next')?.error).toBe(
      'stopped by the loop guard: this call would run 3 workflows deep, past the limit of 2 (do workflows call each other in a circle?)',
    );
    expect((await calls(l2.id)).called).toEqual([]);
    expect(top.error).toContain('the called workflow "Depth 1" failed');
  });

  it('every template runs on the real stack to its expected step', { timeout: 240_000 }, async () => {
    const viaReceiver = (def: unknown) => JSON.parse(JSON.stringify(def).replace(/https:\/\/[a-z.]+\.example\.com/g, receiver.url));
    const expected: Record<string, { status: string; step?: string }> = {
      'follow-up-2-days': { status: 'running', step: 'pause' },
    };
    for (const tpl of WORKFLOW_TEMPLATES) {
      const wf = await api.createWorkflow(viaReceiver(tpl.definition));
      const { workflow } = await api.activate(wf.id);
      const t = tpl.definition.trigger;
      let executionId: string;
      if (t.type === 'manual') {
        const rec = await api.createRecord(t.object ?? 'contact', { name: 'Grace Hopper', email: 'grace@navy.example.com', company: 'Navy' });
        executionId = (await run(wf.id, t.object ? { recordId: rec.id } : {})).id;
      } else if (t.type === 'webhook') {
        expect((await postHook(stack.url, workflow.hookPath!, { name: 'Alan', email: 'alan@example.com' })).status).toBe(202);
        executionId = (await until(`${tpl.id} run`, async () => (await api.executions(wf.id))[0]))!.id;
      } else if (t.type === 'schedule') {
        executionId = (await api.call(ExecutionDtoSchema, 'POST', `${w()}/workflows/${wf.id}/test`, {})).id;
      } else if (t.type === 'run_failed') {
        // Another workflow's run fails: its run.failed event starts the template's run.
        const failing = await published({
          name: `Fails for ${tpl.id}`,
          trigger: { type: 'manual' },
          actions: [{ id: 'boom', type: 'run_script', code: 'throw new Error("boom")' }],
        });
        expect((await finished((await run(failing)).id)).status).toBe('failed');
        executionId = (await until(`${tpl.id} run`, async () => (await api.executions(wf.id))[0]))!.id;
      } else {
        const object = t.object;
        const rec = await api.createRecord(object, {
          name: `${tpl.id} test`,
          amount: 25000,
          stage: 'open',
          email: 'x@example.com',
          ownerEmail: 'owner@example.com',
          domain: 'acme.example',
        });
        if (t.type === 'field_changed') await api.updateRecord(object, rec.id, { stage: 'won' });
        executionId = (await until(`${tpl.id} run`, async () => (await api.executions(wf.id))[0]))!.id;
      }
      const want = expected[tpl.id] ?? { status: 'completed' };
      const e = await until(`${tpl.id} to reach ${want.status}`, async () => {
        const x = await api.execution(executionId);
        if (want.step) return x.steps?.some((s) => s.actionId === want.step && s.status === want.status) ? x : null;
        return ['completed', 'failed', 'cancelled'].includes(x.status) ? x : null;
      });
      if (!want.step) expect(e.status, `${tpl.id}: ${e.error}`).toBe(want.status);
      if (want.step) await api.call(ExecutionDtoSchema, 'POST', `${w()}/executions/${executionId}/cancel`, {}, [202]);
    }
    // The webhook templates reached the receiver.
    expect(receiver.received.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/services/team-channel', '/api/contacts', '/v1/companies?domain=acme.example']),
    );
  });
});
