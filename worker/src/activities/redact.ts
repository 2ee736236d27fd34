import type { Json } from '@conduit/core/definition';

/** Header names whose values never reach logs or step rows. */
const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|webhook-signature)$|(secret|token|password|passwd|signature|credential)/i;
const REDACTED = '[redacted]';

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADER.test(k) ? REDACTED : v;
  return out;
}

/** Masks secret-looking keys anywhere in a JSON value and known secrets anywhere in its strings. */
export function redactJson(value: Json, secrets: readonly string[] = []): Json {
  const scrub = (s: string) => secrets.reduce((acc, sec) => (sec && sec.length >= 6 ? acc.split(sec).join(REDACTED) : acc), s);
  const walk = (v: Json): Json => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) out[k] = SECRET_HEADER.test(k) && typeof x === 'string' ? REDACTED : walk(x);
      return out;
    }
    return v;
  };
  return walk(value);
}
