import { z } from 'zod';

/** An API failure in words, with the JSON path of the field that caused it when the API names one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    /** Every problem the API found, each with the JSON path it names (validation errors). */
    readonly issues: { message: string; path?: string | undefined }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    path: z.string().optional(),
    issues: z.array(z.object({ message: z.string(), path: z.string().optional() })).optional(),
  }),
});

export type Query = Record<string, string | number | undefined | null>;

function withQuery(url: string, query?: Query): string {
  if (!query) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${url}?${s}` : url;
}

/** Called when any request answers 401, so the app can send the user to the login page. */
let onUnauthorized: (() => void) | undefined;
export const setUnauthorizedHandler = (fn: () => void) => {
  onUnauthorized = fn;
};

/**
 * Every call goes through here: same-origin cookie session, JSON in and out, and the response
 * checked against a zod schema so a contract drift shows as a readable error, not a blank page.
 */
export async function request<T>(method: string, url: string, schema: z.ZodType<T>, body?: unknown, query?: Query): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withQuery(url, query), {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', `Could not reach the server (${e instanceof Error ? e.message : String(e)}).`);
  }
  const text = await res.text();
  let json: unknown;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !url.endsWith('/auth/login')) onUnauthorized?.();
    const parsed = ErrorBodySchema.safeParse(json);
    if (parsed.success) {
      const e = parsed.data.error;
      throw new ApiError(res.status, e.code, e.message, e.path, e.issues ?? (e.path ? [{ message: e.message, path: e.path }] : []));
    }
    throw new ApiError(res.status, 'http', `The server answered ${res.status} ${res.statusText || ''}`.trim());
  }
  const parsed = schema.safeParse(json ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ApiError(res.status, 'bad_response', `Unexpected response from ${url}: ${first ? `${first.path.join('.')} ${first.message}` : 'invalid'}`);
  }
  return parsed.data;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
