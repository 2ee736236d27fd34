import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '@conduit/core/config';
import {
  createSecretBox,
  generateWebhookSecret,
  secretBoxFromConfig,
  signWebhook,
  verifyWebhookSignature,
  WebhookSecretError,
  webhookSignatureHeaders,
} from '@conduit/core/crypto';
import { driverFor } from '@conduit/core/db';
import { createLogger } from '@conduit/core/logging';

const nowSec = () => Math.floor(Date.now() / 1000);
const KEY = Buffer.from('a 24-byte signing key!!!');
const PREFIXED = `whsec_${KEY.toString('base64')}`;
const BARE = KEY.toString('base64');

describe('the webhook signer', () => {
  const body = JSON.stringify({ type: 'invoice.paid', id: 'inv_1' });

  it('signs what the standardwebhooks package verifies, and verifies what it signs', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const headers = webhookSignatureHeaders({ secret, id: 'msg_1', body });
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));

    const ts = nowSec();
    const theirs = new Webhook(secret).sign('msg_2', new Date(ts * 1000), body);
    expect(verifyWebhookSignature({ secret, id: 'msg_2', timestamp: String(ts), signature: theirs, body: Buffer.from(body) })).toEqual({ ok: true });
  });

  it('is the HMAC-SHA256 of "id.timestamp.body" under the base64-decoded key, over the raw bytes', () => {
    // Bytes that are not UTF-8 are signed as sent, not as a decoded string would re-encode them.
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    const expected = createHmac('sha256', KEY).update('msg_1.1767225600.').update(raw).digest('base64');
    expect(signWebhook({ secret: PREFIXED, id: 'msg_1', timestamp: 1767225600, body: raw })).toBe(`v1,${expected}`);
    const ts = nowSec();
    const sig = `v1,${createHmac('sha256', KEY).update(`msg_1.${ts}.`).update(raw).digest('base64')}`;
    expect(verifyWebhookSignature({ secret: PREFIXED, id: 'msg_1', timestamp: String(ts), signature: sig, body: raw })).toEqual({ ok: true });
  });

  it('reads a secret without the whsec_ prefix as base64, the same way in both directions', () => {
    const ts = nowSec();
    const ours = signWebhook({ secret: BARE, id: 'msg_1', timestamp: ts, body });
    expect(ours).toBe(signWebhook({ secret: PREFIXED, id: 'msg_1', timestamp: ts, body }));
    // The package's own reading of the bare secret agrees with ours, both ways.
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': ours };
    expect(new Webhook(BARE).verify(body, headers)).toEqual(JSON.parse(body));
    const theirs = new Webhook(BARE).sign('msg_1', new Date(ts * 1000), body);
    expect(verifyWebhookSignature({ secret: BARE, id: 'msg_1', timestamp: String(ts), signature: theirs, body })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ secret: PREFIXED, id: 'msg_1', timestamp: String(ts), signature: theirs, body })).toEqual({ ok: true });
  });

  it('refuses a secret that is not base64 instead of guessing its bytes', () => {
    expect(() => signWebhook({ secret: 'not base64 at all!', id: 'm', timestamp: nowSec(), body })).toThrow(WebhookSecretError);
    expect(() => signWebhook({ secret: 'whsec_', id: 'm', timestamp: nowSec(), body })).toThrow(WebhookSecretError);
    const ts = String(nowSec());
    expect(verifyWebhookSignature({ secret: 'not base64 at all!', id: 'm', timestamp: ts, signature: 'v1,AAAA', body })).toEqual({
      ok: false,
      reason: 'bad_secret',
    });
  });

  it('refuses a tampered body, a wrong secret, old and future timestamps, odd timestamps and missing headers', () => {
    const ts = nowSec();
    const good = signWebhook({ secret: PREFIXED, id: 'msg_1', timestamp: ts, body });
    const check = (o: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret: PREFIXED, id: 'msg_1', timestamp: String(ts), signature: good, body, ...o });
    expect(check({})).toEqual({ ok: true });
    expect(check({ body: body.replace('inv_1', 'inv_2') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ secret: generateWebhookSecret() })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ id: 'msg_2' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ signature: good.replace('v1,', 'v2,') })).toEqual({ ok: false, reason: 'bad_signature' });
    for (const at of [ts - 301, ts + 301]) {
      const sig = signWebhook({ secret: PREFIXED, id: 'msg_1', timestamp: at, body });
      expect(check({ timestamp: String(at), signature: sig })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    }
    const edge = ts - 299;
    expect(check({ timestamp: String(edge), signature: signWebhook({ secret: PREFIXED, id: 'msg_1', timestamp: edge, body }) })).toEqual({ ok: true });
    for (const odd of [`${ts}.0`, ` ${ts}`, '1e10', '-1', '0x10']) expect(check({ timestamp: odd })).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(check({ id: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(check({ signature: '' })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('accepts one valid signature among several (a sender rotating keys)', () => {
    const ts = nowSec();
    const old = signWebhook({ secret: generateWebhookSecret(), id: 'msg_1', timestamp: ts, body });
    const good = signWebhook({ secret: PREFIXED, id: 'msg_1', timestamp: ts, body });
    expect(verifyWebhookSignature({ secret: PREFIXED, id: 'msg_1', timestamp: String(ts), signature: `${old} v1,AAAA ${good}`, body })).toEqual({ ok: true });
  });
});

describe('the secret box from config', () => {
  it('is null without ENCRYPTION_KEY and opens what a box on the same key sealed', () => {
    expect(secretBoxFromConfig({})).toBeNull();
    const key = 'ab'.repeat(32);
    const box = secretBoxFromConfig({ ENCRYPTION_KEY: key })!;
    expect(createSecretBox(key).open(box.seal('whsec_x'))).toBe('whsec_x');
    expect(() => secretBoxFromConfig({ ENCRYPTION_KEY: 'short' })).toThrow(/32 bytes/);
  });
});

describe('the logger', () => {
  it('writes one JSON object per line with level, message, component, fields and time, below the level dropped', () => {
    const lines: [string, string][] = [];
    const log = createLogger({ level: 'info', component: 'worker', write: (line, level) => lines.push([level, line]) });
    log.debug('hidden');
    log.info('worker started', { taskQueue: 'q' });
    log.error('step row write failed', { error: 'boom' });
    expect(lines.map(([level]) => level)).toEqual(['info', 'error']);
    const first = JSON.parse(lines[0]![1]) as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'info', msg: 'worker started', component: 'worker', taskQueue: 'q' });
    expect(new Date(first.at as string).getTime()).not.toBeNaN();
  });

  it('writes readable lines in the text format', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', component: 'stack', format: 'text', write: (line) => lines.push(line) });
    log.debug('stopped database in 3 ms');
    log.warn('SQS poll failed', { error: 'down' });
    expect(lines[0]).toMatch(/^\S+Z debug \[stack\] stopped database in 3 ms$/);
    expect(lines[1]).toMatch(/^\S+Z warn {2}\[stack\] SQS poll failed {"error":"down"}$/);
  });
});

describe('settings read through the config schema', () => {
  it('validates DATABASE_DRIVER and reads WORKFLOW_BUNDLE_PATH', () => {
    expect(loadConfig({ DATABASE_DRIVER: 'neon', WORKFLOW_BUNDLE_PATH: '/app/bundle.js' })).toMatchObject({
      DATABASE_DRIVER: 'neon',
      WORKFLOW_BUNDLE_PATH: '/app/bundle.js',
    });
    expect(loadConfig({}).DATABASE_DRIVER).toBeUndefined();
    expect(() => loadConfig({ DATABASE_DRIVER: 'mysql' })).toThrow(/DATABASE_DRIVER/);
    expect(ConfigSchema.shape.WORKFLOW_BUNDLE_PATH.parse(undefined)).toBeUndefined();
  });

  it('DATABASE_DRIVER=neon sends any postgres:// URL through Neon; unset, the host decides', () => {
    expect(driverFor('postgres://u:p@db.internal:5432/app')).toBe('pg');
    expect(driverFor('postgres://u:p@db.internal:5432/app', 'neon')).toBe('neon');
    expect(driverFor('postgres://u:p@ep-x.eu-central-1.aws.neon.tech/app')).toBe('neon');
    expect(driverFor('memory://', 'neon')).toBe('pglite');
  });
});
