import { randomBytes, timingSafeEqual } from 'node:crypto';

// Standard Webhooks signing lives in one place (core's webhook signer); re-exported for the ingress's callers.
export { generateWebhookSecret, signWebhook, verifyWebhookSignature, type SignatureCheck } from '@conduit/core/crypto';

/** An unguessable hook id for /hooks/:hookId (128 bits, URL-safe). */
export function generateHookId(): string {
  return randomBytes(16).toString('base64url');
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
