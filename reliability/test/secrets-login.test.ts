import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@conduit/core/crypto';
import { workflowSecrets, workspaceSecrets, and, eq } from '@conduit/core/testing';
import { redactJson } from '@conduit/worker/testing';
import { createApiUnderTest, type ApiUnderTest } from '../src/testing/api';
import { trackFamily } from '../src/testing/track';

const rec = trackFamily({
  family: 'secrets',
  title: 'Secrets and sign-in',
  command: 'npx vitest run --project reliability test/secrets-login.test.ts',
  notes: [
    'Secrets: never in any API answer after the one that creates them; AES-256-GCM at rest, checked by reading the raw',
    'workflow_secrets table; a tampered ciphertext does not open; the run-log redactor masks them anywhere in a value.',
    'Sign-in: the same answer for an unknown email and a wrong password; repeated failures are rate-limited.',
  ],
});

describe('secrets and sign-in (PostgreSQL)', () => {
  let t: ApiUnderTest;
  let admin: string;
  beforeAll(async () => {
    t = await createApiUnderTest('pg', { deps: { loginLimit: { attempts: 5, windowMs: 60_000 } } });
    admin = await t.login(t.a.admin.email);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a webhook secret is shown once, never returned again, and stored AES-256-GCM sealed', async () => {
    const ws = t.a.id;
    const wf = await t.call('POST', `/api/workspaces/${ws}/workflows`, {
      cookie: admin,
      json: { name: 'signed', trigger: { type: 'webhook', auth: { mode: 'signature' } }, actions: [] },
    });
    expect(wf.status, wf.text).toBeLessThan(300);
    const id = (wf.data as { id: string }).id;
    const rotated = await t.call('POST', `/api/workspaces/${ws}/workflows/${id}/secret/rotate`, { cookie: admin, json: { kind: 'webhook_inbound' } });
    expect(rotated.status, rotated.text).toBe(200);
    const secret = (rotated.data as { secret: string }).secret;
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await t.call('POST', `/api/workspaces/${ws}/workflows/${id}/activate`, { cookie: admin });
    rec.add('secrets created');

    // Every read the API offers, as admin, member and API key: the secret is never in the answer.
    const member = await t.login(t.a.member.email);
    const key = (await t.apiKey(ws, 'admin')).key;
    const reads = ['', '/versions']
      .map((s) => `/api/workspaces/${ws}/workflows/${id}${s}`)
      .concat([`/api/workspaces/${ws}/workflows`, `/api/workspaces/${ws}/events`, '/api/me']);
    for (const path of reads) {
      for (const auth of [{ cookie: admin }, { cookie: member }, { key }]) {
        const r = await t.call('GET', path, auth);
        rec.add('API answers checked for the secret');
        expect(r.status, `${path} ${r.text.slice(0, 200)}`).toBeLessThan(500);
        expect(r.text).not.toContain(secret);
        expect(r.text).not.toContain(secret.replace(/^whsec_/, ''));
      }
    }

    // At rest: the raw row holds no part of the secret, opens with the configured key, and only with it.
    const [row] = await t.db.select().from(workflowSecrets).where(eq(workflowSecrets.workflowId, id));
    expect(row).toBeTruthy();
    const sealed = row!.ciphertext;
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(secret.replace(/^whsec_/, '').slice(0, 12));
    expect(sealed.split('.')).toHaveLength(4);
    const box = createSecretBox(t.encryptionKey);
    expect(box.open(sealed)).toBe(secret);
    const [v, iv, tag, body] = sealed.split('.') as [string, string, string, string];
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12); // GCM nonce
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16); // GCM tag
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => createSecretBox('c'.repeat(64)).open(sealed)).toThrow();
    // Two seals of the same secret differ (a fresh nonce each time).
    expect(box.seal(secret)).not.toBe(box.seal(secret));
  });

  it('a workspace secret: admins only, never in any answer, sealed at rest, and a literal credential is refused', async () => {
    const ws = t.a.id;
    const value = `rel-${crypto.randomUUID()}`;
    const put = await t.call('PUT', `/api/workspaces/${ws}/secrets/REL_TOKEN`, { cookie: admin, json: { value } });
    expect(put.status, put.text).toBe(201);
    const member = await t.login(t.a.member.email);
    expect((await t.call('GET', `/api/workspaces/${ws}/secrets`, { cookie: member })).status).toBe(403);
    const wf = await t.call('POST', `/api/workspaces/${ws}/workflows`, {
      cookie: admin,
      json: {
        name: 'uses a secret',
        trigger: { type: 'webhook' },
        actions: [{ id: 'call', type: 'send_webhook', url: 'https://api.example.com/x', auth: { type: 'bearer', token: '{{secrets.REL_TOKEN}}' } }],
      },
    });
    expect(wf.status, wf.text).toBe(201);
    const id = (wf.data as { id: string }).id;
    expect((await t.call('POST', `/api/workspaces/${ws}/workflows/${id}/activate`, { cookie: admin })).status).toBe(200);
    const key = (await t.apiKey(ws, 'admin')).key;
    const reads = [`/workflows/${id}`, `/workflows/${id}/versions`, '/workflows', '/events', '/secrets']
      .map((p) => `/api/workspaces/${ws}${p}`)
      .concat(['/api/me']);
    for (const path of reads)
      for (const auth of [{ cookie: admin }, { cookie: member }, { key }]) {
        const r = await t.call('GET', path, auth);
        rec.add('API answers checked for a workspace secret');
        expect(r.status, `${path} ${r.text.slice(0, 200)}`).toBeLessThan(500);
        expect(r.text).not.toContain(value);
      }
    const [row] = await t.db
      .select()
      .from(workspaceSecrets)
      .where(and(eq(workspaceSecrets.workspaceId, ws), eq(workspaceSecrets.name, 'REL_TOKEN')));
    expect(JSON.stringify(row)).not.toContain(value);
    expect(createSecretBox(t.encryptionKey).open(row!.ciphertext)).toBe(value);
    const literal = await t.call('POST', `/api/workspaces/${ws}/workflows`, {
      cookie: admin,
      json: {
        name: 'literal',
        trigger: { type: 'webhook' },
        actions: [{ id: 'call', type: 'send_webhook', url: 'https://api.example.com/x', headers: { 'X-Api-Key': value } }],
      },
    });
    rec.add('literal credentials refused');
    expect(literal.status).toBe(400);
    expect(literal.text).toContain('store it as a secret');
  });

  it('the run-log redactor masks a known secret anywhere in a value and secret-named keys', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.string({ minLength: 6, maxLength: 30 }).filter((s) => s.trim().length >= 6),
        fc.string({ maxLength: 10 }),
        (value, secret, around) => {
          rec.add('values redacted');
          const withSecret = { data: value, note: `${around}${secret}${around}`, nested: [{ authorization: 'Bearer abc' }, `x${secret}`] };
          const out = JSON.stringify(redactJson(withSecret as never, [secret]));
          expect(out).not.toContain(secret);
          expect(out).not.toContain('Bearer abc');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sign-in answers an unknown email and a wrong password the same way', async () => {
    const unknown = await t.call('POST', '/api/auth/login', { json: { email: 'nobody-here@alpha.example', password: 'whatever password' } });
    const wrong = await t.call('POST', '/api/auth/login', { json: { email: t.a.member.email, password: 'not the password' } });
    rec.add('sign-in attempts', 2);
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(unknown.status);
    expect(wrong.text).toBe(unknown.text);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('repeated failed sign-ins are rate-limited (429 with Retry-After), even with the right password afterwards', async () => {
    const email = t.b.member.email;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await t.call('POST', '/api/auth/login', { json: { email, password: `wrong ${i}` } });
      statuses.push(r.status);
      rec.add('sign-in attempts');
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    const right = await t.call('POST', '/api/auth/login', { json: { email, password: 'reliability suite password 1' } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    rec.add('sign-ins refused by the rate limit', statuses.filter((s) => s === 429).length + 1);
  });
});
