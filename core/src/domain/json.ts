import type { Json } from '../definition';

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ao = a as Record<string, Json>;
  const bo = b as Record<string, Json>;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

// PostgreSQL refuses U+0000 in text and jsonb, and jsonb refuses an unpaired UTF-16 surrogate
// (JSON.parse accepts both as escapes, and JavaScript strings may hold them).
const UNSTORABLE = /\u0000|\p{Cs}/u;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'gu');

/** Why PostgreSQL cannot store this text, or null when it can. */
export function unstorableText(s: string): string | null {
  if (!UNSTORABLE.test(s)) return null;
  return s.includes('\u0000') ? 'text may not contain the NUL character (U+0000)' : 'text may not contain an unpaired UTF-16 surrogate (U+D800–U+DFFF)';
}

type Refusal = { path: (string | number)[]; reason: string };

/**
 * The first string or key in a JSON value that PostgreSQL cannot store, with its path; null when
 * all can be. `refuseKey` refuses keys for reasons of the caller's own (checked first).
 */
export function findUnstorable(v: unknown, path: (string | number)[] = [], refuseKey?: (key: string) => string | null): Refusal | null {
  if (typeof v === 'string') {
    const reason = unstorableText(v);
    return reason ? { path, reason } : null;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findUnstorable(v[i], [...path, i], refuseKey);
      if (hit) return hit;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const reason = refuseKey?.(k) ?? unstorableText(k);
      if (reason) return { path: [...path, k], reason };
      const hit = findUnstorable(x, [...path, k], refuseKey);
      if (hit) return hit;
    }
  }
  return null;
}

// The same, as JSON.stringify writes it: U+0000 and an unpaired surrogate are the only escapes it
// emits in that range (a paired surrogate is written as itself). An escaped backslash before the
// `u` is text the sender meant literally.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** Whether JSON text from JSON.stringify holds something PostgreSQL cannot store: one scan, no walk. */
export const jsonHasUnstorable = (json: string): boolean => json.includes('\\u') && UNSTORABLE_ESCAPE.test(json);

/** The text with what PostgreSQL cannot store replaced by U+FFFD: for messages and logs, never for data. */
export const storableText = (s: string): string => s.replace(UNSTORABLE_ALL, '\uFFFD');
