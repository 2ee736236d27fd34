import { RunQuotaError } from '@conduit/core/run-quota';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { describeIssues, type ApiError } from '@conduit/core/definition';

/** A refusal with the API's error body: `{ error: { code, message, path? } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly issues?: ApiError[],
  ) {
    super(message);
  }
}

export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `no such ${what}`);
export const forbidden = (message = 'only workspace admins can do this') => new HttpError(403, 'forbidden', message);
export const unauthorized = (message = 'sign in or send an API key') => new HttpError(401, 'unauthorized', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

/** 400 from a list of issues: the first one is the headline (message and path), all are listed. */
export function invalid(issues: ApiError[], code = 'invalid'): HttpError {
  const first = issues[0] ?? { code, message: 'invalid request' };
  return new HttpError(400, first.code === 'invalid' ? code : first.code, first.message, first.path, issues);
}

/** A zod failure of one request part; `where` prefixes nothing for the body (paths are body-relative). */
export function zodInvalid(error: z.ZodError, where: 'json' | 'query' | 'param' | string): HttpError {
  const prefix = where === 'query' ? ['query'] : where === 'param' ? ['params'] : [];
  return invalid(describeIssues(error, prefix));
}

export function errorJson(c: Context, e: HttpError) {
  const body = {
    error: { code: e.code, message: e.message, ...(e.path ? { path: e.path } : {}), ...(e.issues && e.issues.length > 1 ? { issues: e.issues } : {}) },
  };
  return c.json(body, e.status);
}

/**
 * What a failed start answers: a used-up monthly quota is the caller's 429 (with why and when it
 * resets); anything else is Temporal out of reach (503), logged by the caller.
 */
export function runStartError(err: unknown, unavailable: string): HttpError {
  if (err instanceof RunQuotaError) return new HttpError(429, 'quota_exceeded', err.message);
  return new HttpError(503, 'temporal_unavailable', unavailable);
}
