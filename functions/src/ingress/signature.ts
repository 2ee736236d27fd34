import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new Standard Webhooks signing secret: "whsec_" + base64 of 24 random bytes. Shown once; stored sealed. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** An unguessable hook id for /hooks/:hookId (128 bits, URL-safe). */
export function generateHookId(): string {
  return randomBytes(16).toString('base64url');
}

const keyOf = (secret: string): Buffer => Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');

/** "v1,<base64 HMAC-SHA256 of id.timestamp.body>", as a sender computes it. */
export function signWebhook(o: { secret: string; id: string; timestamp: number; body: string | Buffer }): string {
  const mac = createHmac('sha256', keyOf(o.secret));
  mac.update(`${o.id}.${o.timestamp}.`);
  mac.update(o.body);
  return `v1,${mac.digest('base64')}`;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'timestamp_out_of_tolerance' | 'bad_signature' };

/**
 * Verifies Standard Webhooks headers: webhook-id, webhook-timestamp (seconds), webhook-signature
 * (space-separated "v1,<sig>" entries; any one matching passes, which allows key rotation on the
 * sender's side). Constant-time comparison; 5-minute tolerance both ways.
 */
export function verifyWebhookSignature(o: {
  secret: string;
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  now?: number;
  toleranceSec?: number;
}): SignatureCheck {
  if (!o.id || !o.timestamp || !o.signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(o.timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const ts = Number(o.timestamp);
  const now = Math.floor((o.now ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > (o.toleranceSec ?? 300)) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const expected = Buffer.from(signWebhook({ secret: o.secret, id: o.id, timestamp: ts, body: o.body }).slice(3), 'base64');
  for (const part of o.signature.split(' ')) {
    const [version, sig] = part.split(',', 2);
    if (version !== 'v1' || !sig) continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'bad_signature' };
}

/** Constant-time string equality (for the shared header secret). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Compare equal lengths only, but always do the work, so timing does not tell the length apart cheaply.
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}
