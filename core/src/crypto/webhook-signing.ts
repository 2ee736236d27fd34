import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * The one webhook signer: Standard Webhooks (https://www.standardwebhooks.com/) through the
 * `standardwebhooks` package, for signing outgoing webhooks (the worker's send_webhook with
 * `sign: true`) and verifying inbound ones (the ingress, auth mode `signature`). Node-only (it
 * sits beside the secret box): neither the web app nor the workflow bundle may import it.
 *
 * The product's rules, here and nowhere else:
 * - a secret is "whsec_" + base64 of the key; the prefix is optional and what follows it is
 *   always base64 (the package's reading and the spec's). Every secret the product stores was made
 *   by generateWebhookSecret, so carries the prefix; a secret without it is read the same way on
 *   both sides, and one that is not base64 is refused (WebhookSecretError), never guessed at;
 * - a timestamp (Unix seconds) more than 5 minutes from the clock is refused;
 * - the headers are webhook-id, webhook-timestamp and webhook-signature.
 */
const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** The package's tolerance, stated here so the checks below and the docs agree with it. */
const WEBHOOK_TOLERANCE_SEC = 5 * 60;
const WEBHOOK_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** A secret that does not decode to a key (not base64 after the optional prefix, or empty). */
export class WebhookSecretError extends Error {
  constructor() {
    // Never the secret itself in the message: it may end up in a step row or a log line.
    super('the webhook secret is not "whsec_" followed by base64');
    this.name = 'WebhookSecretError';
  }
}

/** A new signing secret: "whsec_" + base64 of 24 random bytes. Shown once; stored sealed. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

function webhookOf(secret: string): Webhook {
  try {
    return new Webhook(secret);
  } catch {
    throw new WebhookSecretError();
  }
}

/** "v1,<base64 HMAC-SHA256 of id.timestamp.body>" for one message. Throws WebhookSecretError. */
export function signWebhook(o: { secret: string; id: string; timestamp: number; body: string | Uint8Array }): string {
  return webhookOf(o.secret).sign(o.id, new Date(o.timestamp * 1000), o.body);
}

/** The three headers a signed outgoing request carries, stamped now. Throws WebhookSecretError. */
export function webhookSignatureHeaders(o: { secret: string; id: string; body: string | Uint8Array }): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    [WEBHOOK_HEADERS.id]: o.id,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook({ secret: o.secret, id: o.id, timestamp, body: o.body }),
  };
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'timestamp_out_of_tolerance' | 'bad_signature' | 'bad_secret' };

/**
 * Verifies an inbound message: the header values as received and the raw body bytes. Several
 * space-separated "v1,<sig>" entries may be sent (a sender rotating keys); one match passes. The
 * package does the comparison (constant time) and the tolerance; the checks before it only name
 * the reason, and refuse timestamps that are not plain Unix seconds ("1e10", " 1", "17….0"),
 * which the package's parseInt would read leniently.
 */
export function verifyWebhookSignature(o: {
  secret: string;
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string | Uint8Array;
}): SignatureCheck {
  if (!o.id || !o.timestamp || !o.signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(o.timestamp)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs(Math.floor(Date.now() / 1000) - Number(o.timestamp)) > WEBHOOK_TOLERANCE_SEC) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  let wh: Webhook;
  try {
    wh = webhookOf(o.secret);
  } catch {
    return { ok: false, reason: 'bad_secret' };
  }
  try {
    wh.verify(o.body, { [WEBHOOK_HEADERS.id]: o.id, [WEBHOOK_HEADERS.timestamp]: o.timestamp, [WEBHOOK_HEADERS.signature]: o.signature }, { jsonParse: false });
    return { ok: true };
  } catch (e) {
    if (!(e instanceof WebhookVerificationError)) throw e;
    // The clock may have ticked past the edge since the check above.
    return { ok: false, reason: /timestamp/i.test(e.message) ? 'timestamp_out_of_tolerance' : 'bad_signature' };
  }
}
