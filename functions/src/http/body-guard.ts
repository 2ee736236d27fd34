import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { formatPath } from '@conduit/core/definition';
import { HttpError } from './errors';

/** Keys that would reach an object's prototype if a body were ever merged naively. Refused anywhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
export const API_BODY_LIMIT = 1024 * 1024;

/** 413 past the limit, whether or not Content-Length is sent (the stream is counted). */
export const apiBodyLimit = (maxSize = API_BODY_LIMIT): MiddlewareHandler =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(413, 'payload_too_large', `the body is larger than ${maxSize} bytes`);
    },
  });

/**
 * Request bodies on /api are JSON only: any other content type is 415, malformed JSON is 400, and a
 * prototype-polluting key anywhere in the document is 400 with its path. Runs before the routes'
 * zod validation, which then reads the same (cached) body.
 */
export const jsonGuard: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
  const text = await c.req.text();
  if (text.length === 0) return next();
  const type = c.req.header('content-type') ?? '';
  if (!JSON_TYPE.test(type)) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'malformed_json', `the body is not valid JSON (${e instanceof SyntaxError ? e.message : 'parse error'})`);
  }
  const bad = findRefused(value, []);
  if (bad) throw new HttpError(400, 'invalid', `${formatPath(bad.path)}: ${bad.reason}`, formatPath(bad.path));
  return next();
};

type Refusal = { path: (string | number)[]; reason: string };
// PostgreSQL's jsonb cannot store U+0000, so it is refused here, naming the field, rather than failing at write.
const NUL_REASON = 'text may not contain the NUL character (U+0000)';

function findRefused(v: unknown, path: (string | number)[]): Refusal | null {
  if (typeof v === 'string') return v.includes('\u0000') ? { path, reason: NUL_REASON } : null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findRefused(v[i], [...path, i]);
      if (hit) return hit;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) return { path: [...path, k], reason: 'this key is not allowed' };
      if (k.includes('\u0000')) return { path: [...path, k], reason: NUL_REASON };
      const hit = findRefused((v as Record<string, unknown>)[k], [...path, k]);
      if (hit) return hit;
    }
  }
  return null;
}
