import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { formatPath } from '@conduit/core/definition';
import { findUnstorable } from '@conduit/core/domain';
import { HttpError } from './errors';

/** Keys that would reach an object's prototype if a body were ever merged naively. Refused anywhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const API_BODY_LIMIT = 1024 * 1024;

/** 413 past the limit, whether or not Content-Length is sent (the stream is counted). */
export const apiBodyLimit = (maxSize = API_BODY_LIMIT): MiddlewareHandler =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(413, 'payload_too_large', `the body is larger than ${maxSize} bytes`);
    },
  });

// A prototype-polluting key, U+0000 or an unpaired surrogate (jsonb cannot store either) anywhere:
// refused here, naming the field, rather than failing at write.
const findRefused = (v: unknown) => findUnstorable(v, [], (k) => (FORBIDDEN_KEYS.has(k) ? 'this key is not allowed' : null));

/**
 * U+0000 in a path segment or query value is refused with 400 naming it, as in bodies: PostgreSQL
 * cannot compare or store it, so letting it through would end in a 500.
 */
export const urlGuard: MiddlewareHandler = async (c, next) => {
  const url = new URL(c.req.url);
  for (const [name, value] of url.searchParams) {
    if (name.includes('\0') || value.includes('\0'))
      throw new HttpError(400, 'invalid', `query.${name}: text may not contain the NUL character (U+0000)`, `query.${name}`);
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    throw new HttpError(400, 'invalid', 'the path is not valid percent-encoded UTF-8', 'params');
  }
  if (path.includes('\0')) throw new HttpError(400, 'invalid', 'params: text may not contain the NUL character (U+0000)', 'params');
  return next();
};

/**
 * Request bodies on /api are JSON only: any other content type is 415, malformed JSON is 400, and a
 * prototype-polluting key or text PostgreSQL cannot store anywhere in the document is 400 with its
 * path. Runs before the routes' zod validation, which then reads the same (cached) body.
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
  const bad = findRefused(value);
  if (bad) throw new HttpError(400, 'invalid', `${formatPath(bad.path)}: ${bad.reason}`, formatPath(bad.path));
  return next();
};
