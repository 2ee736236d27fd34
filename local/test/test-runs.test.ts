/**
 * Test runs of a draft through the whole product on real PostgreSQL and the Temporal dev server, with
 * a real SMTP server and a real HTTP receiver: a dry test run (the default) sends no mail, calls no
 * webhook and writes no record, while its reads and scripts really run and each effect step records
 * what it would have done with its resolved input (secrets as references); a live one does it all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionDtoSchema, type ExecutionDto } from '@conduit/core/api';
import { createDatabase } from '../src/services/postgres';
import { signIn, type ApiClient } from '../src/testing/api-client';
import { testEnv } from '../src/testing/env';
import { startStack, type TestStack } from '../src/testing/stack';

const TOKEN = 'tok-dry-run-secret-value-5e1d';
const mail: string[] = [];
const calls: string[] = [];

describe('test runs: dry by default, live on request', () => {
  let stack: TestStack;
  let api: ApiClient;
  let smtp: SMTPServer;
  let receiver: Server;
  let hookBase = '';
  let wfId = '';
  let contactId = '';
  let ws = '';

  const contact = async () => (await api.listRecords('dryrun_contact')).find((r) => r.id === contactId)!;
  const deals = async () => api.listRecords('dryrun_deal');

  /** The webhook step both drafts use: the real receiver, the secret in a header. */
  const hookStep = () => ({
    id: 'hook',
    type: 'send_webhook',
    method: 'POST',
    url: `${hookBase}/deals`,
    headers: { authorization: 'Bearer {{secrets.HOOK_TOKEN}}' },
    body: { name: '{{trigger.body.name}}' },
  });

  /** Replaces the draft's steps (the saved draft is what a test run runs). */
  async function setActions(actions: unknown[]) {
    const r = await fetch(`${stack.url}${ws}/workflows/${wfId}`, {
      method: 'PATCH',
      headers: { cookie: api.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ actions }),
    });
    expect(r.status, await r.text()).toBe(200);
  }

  /** Starts a test run of the draft and waits for it to finish. */
  async function testRun(body: Record<string, unknown>): Promise<ExecutionDto> {
    const started = await api.call(ExecutionDtoSchema, 'POST', `${ws}/workflows/${wfId}/test`, body);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const e = await api.execution(started.id);
      if (['completed', 'failed', 'cancelled'].includes(e.status)) return e;
      if (Date.now() > deadline) throw new Error(`test run still ${e.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, done) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          mail.push(raw);
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls.push(`${req.url} ${req.headers.authorization ?? ''} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const databaseUrl = await createDatabase(testEnv.databaseServerUrl(), 'testruns');
    stack = await startStack({
      databaseUrl,
      smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      env: { ...process.env, HTTP_ALLOWLIST: '127.0.0.1' },
    });
    api = await signIn(stack.url, stack.login);
    ws = `/api/workspaces/${api.workspace.id}`;
    const put = await fetch(`${stack.url}${ws}/secrets/HOOK_TOKEN`, {
      method: 'PUT',
      headers: { cookie: api.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ value: TOKEN }),
    });
    expect(put.status).toBe(201);
    contactId = (await api.createRecord('dryrun_contact', { email: 'ada@example.com', stage: 'lead' })).id;
    const wf = await api.createWorkflow({
      name: 'Dry or live',
      trigger: { type: 'webhook' },
      actions: [
        {
          id: 'find',
          type: 'find_records',
          object: 'dryrun_contact',
          where: { all: [{ left: 'email', op: 'eq', right: '{{trigger.body.email}}' }] },
        },
        { id: 'score', type: 'run_script', code: 'return { found: input.steps.find.output.count }' },
        {
          id: 'mail',
          type: 'send_email',
          to: '{{trigger.body.email}}',
          subject: 'Hello {{trigger.body.name}}',
          body: 'Found {{steps.score.output.found}} with {{secrets.HOOK_TOKEN}}',
        },
        hookStep(),
        { id: 'deal', type: 'create_record', object: 'dryrun_deal', data: { name: '{{trigger.body.name}}' } },
        { id: 'won', type: 'update_record', object: 'dryrun_contact', recordId: '{{steps.find.output.first.id}}', data: { stage: 'customer' } },
      ],
    });
    wfId = wf.id;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  });

  it('a dry test run sends nothing and writes nothing, but reads and scripts run and every effect says what it would have done', {
    timeout: 120_000,
  }, async () => {
    const run = await testRun({ payload: { email: 'ada@example.com', name: 'Acme' } });
    expect(run).toMatchObject({ status: 'completed', isTest: true, dryRun: true });
    const steps = Object.fromEntries(run.steps!.map((s) => [s.actionId, s]));
    // Reads really ran: the find found the contact and the script saw it.
    expect(steps.find!.output).toMatchObject({ count: 1, first: { id: contactId } });
    expect(steps.score!.output).toEqual({ found: 1 });
    // Effects were recorded with their resolved input, not done.
    expect(steps.mail).toMatchObject({
      status: 'completed',
      input: { to: 'ada@example.com', subject: 'Hello Acme', body: 'Found 1 with {{secrets.HOOK_TOKEN}}' },
      output: { dryRun: true, wouldHave: 'Would have sent this email' },
    });
    expect(steps.hook!.output).toEqual({ dryRun: true, wouldHave: 'Would have sent this request' });
    expect(steps.deal).toMatchObject({ input: { object: 'dryrun_deal', data: { name: 'Acme' } }, output: { dryRun: true } });
    expect(steps.won).toMatchObject({ input: { recordId: contactId, data: { stage: 'customer' } }, output: { dryRun: true } });
    // The secret stays a reference: its value is nowhere in the run.
    expect(JSON.stringify(run)).not.toContain(TOKEN);
    expect(steps.hook!.input).toMatchObject({ url: `${hookBase}/deals`, body: { name: 'Acme' }, headers: { authorization: '[redacted]' } });
    // Durations are never negative.
    for (const s of run.steps!) if (s.startedAt && s.completedAt) expect(Date.parse(s.completedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    // Nothing happened outside: give a stray delivery time to arrive before looking.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mail).toEqual([]);
    expect(calls).toEqual([]);
    expect(await deals()).toEqual([]);
    expect((await contact()).data).toEqual({ email: 'ada@example.com', stage: 'lead' });
  });

  it('a retry of a dry test run stays dry', { timeout: 120_000 }, async () => {
    // A failing dry run: the script throws after the mail step was recorded.
    await setActions([
      { id: 'mail', type: 'send_email', to: '{{trigger.body.email}}', subject: 'Retry', body: 'x' },
      { id: 'boom', type: 'run_script', code: 'throw new Error("no")' },
    ]);
    const failed = await testRun({ payload: { email: 'ada@example.com' } });
    expect(failed).toMatchObject({ status: 'failed', dryRun: true });
    const boom = failed.steps!.find((s) => s.actionId === 'boom')!;
    expect(Date.parse(boom.completedAt!)).toBeGreaterThanOrEqual(Date.parse(boom.startedAt!));
    const retried = await api.call(ExecutionDtoSchema, 'POST', `${ws}/executions/${failed.id}/retry`);
    expect(retried).toMatchObject({ dryRun: true, isTest: true });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mail).toEqual([]);
  });

  it('a live test run really sends the mail, calls the webhook with the secret and writes the records', { timeout: 120_000 }, async () => {
    await setActions([
      { id: 'mail', type: 'send_email', to: '{{trigger.body.email}}', subject: 'Hello {{trigger.body.name}}', body: 'Live' },
      hookStep(),
      { id: 'deal', type: 'create_record', object: 'dryrun_deal', data: { name: '{{trigger.body.name}}' } },
      { id: 'won', type: 'update_record', object: 'dryrun_contact', recordId: contactId, data: { stage: 'customer' } },
    ]);
    const run = await testRun({ payload: { email: 'ada@example.com', name: 'Live Co' }, mode: 'live' });
    expect(run).toMatchObject({ status: 'completed', isTest: true, dryRun: false });
    expect(run.steps!.some((s) => (s.output as { dryRun?: boolean } | null)?.dryRun)).toBe(false);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toContain('Subject: Hello Live Co');
    expect(calls).toEqual([`/deals Bearer ${TOKEN} {"name":"Live Co"}`]);
    expect((await deals()).map((d) => d.data)).toEqual([{ name: 'Live Co' }]);
    expect((await contact()).data).toEqual({ email: 'ada@example.com', stage: 'customer' });
  });
});
