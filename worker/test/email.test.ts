import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devMail, eq } from '@conduit/core/testing';
import { startHarness, type Harness } from './harness';

type Received = { from: string; to: string[]; raw: string };
const inbox: Received[] = [];
let smtp: SMTPServer;
let port = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  port = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
});

describe('send_email over SMTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Conduit <flows@example.com>' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('delivers templated mail to a real SMTP server', async () => {
    const r = await h.startRun(
      [
        {
          id: 'mail',
          type: 'send_email',
          to: '{{trigger.owner}}',
          cc: ['boss@example.com'],
          bcc: 'audit@example.com',
          subject: 'Big win: {{trigger.name}}',
          body: 'Well done on {{trigger.name}}.',
          html: '<p>Well done on <b>{{trigger.name}}</b></p>',
        },
      ],
      { trigger: { kind: 'manual', owner: 'ann@example.com', name: 'Acme' } },
    );
    expect((await r.handle.result()).status).toBe('completed');
    expect(inbox).toHaveLength(1);
    const m = inbox[0]!;
    expect(m.from).toBe('flows@example.com');
    expect(m.to.sort()).toEqual(['ann@example.com', 'audit@example.com', 'boss@example.com']);
    expect(m.raw).toContain('Subject: Big win: Acme');
    expect(m.raw).toContain('Well done on Acme.');
    expect(m.raw).toContain(`X-Conduit-Idempotency-Key: ${r.executionId}.mail`);
    expect(m.raw).not.toMatch(/^Bcc:/m);
    const step = (await h.steps(r.executionId)).mail!;
    expect(step).toMatchObject({ status: 'completed', attempts: 1, output: { to: ['ann@example.com'], transport: 'smtp' } });
  });

  it('fails clearly on an address that templating made invalid, without retrying', async () => {
    const before = inbox.length;
    const r = await h.startRun([{ id: 'mail', type: 'send_email', to: '{{trigger.owner}}', subject: 'Hi', body: 'x' }], {
      trigger: { kind: 'manual', owner: 'not an address' },
    });
    expect((await r.handle.result()).status).toBe('failed');
    expect((await h.steps(r.executionId)).mail).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/not a valid email address/) });
    expect(inbox.length).toBe(before);
  });
});

describe('send_email without SMTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the mail in the dev inbox', async () => {
    const r = await h.startRun([{ id: 'mail', type: 'send_email', to: ['a@example.com', 'b@example.com'], subject: 'Hello {{trigger.name}}', body: 'Body' }], {
      trigger: { kind: 'manual', name: 'Zed' },
    });
    expect((await r.handle.result()).status).toBe('completed');
    const rows = await h.db.select().from(devMail).where(eq(devMail.executionId, r.executionId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ workspaceId: h.workspaceId, to: ['a@example.com', 'b@example.com'], subject: 'Hello Zed', text: 'Body' });
  });
});
