/** Headers never copied into the trigger payload: credentials, signatures and hop-by-hop noise. */
const DROP = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'webhook-signature',
  'webhook-secret',
  'x-hub-signature',
  'x-hub-signature-256',
  'stripe-signature',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
const SENSITIVE = /secret|signature|token|password|passwd|auth|session|credential|api[-_]?key/i;

/** The request headers a workflow may see, lower-cased. `extraDrop` is the hook's own secret header. */
export function filterHeaders(headers: Iterable<[string, string]>, extraDrop?: string): Record<string, string> {
  const drop = extraDrop?.toLowerCase();
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    const n = name.toLowerCase();
    if (n === drop || DROP.has(n) || SENSITIVE.test(n)) continue;
    out[n] = value;
  }
  return out;
}
