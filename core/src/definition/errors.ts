import type { z } from 'zod';

/** The API's error body: `{ error: { code, message, path? } }`. */
export type ApiError = { code: string; message: string; path?: string };

/** "actions[1].then[0].url" from ["actions", 1, "then", 0, "url"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** Every issue of a zod error as a readable message with its JSON path. */
export function describeIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): ApiError[] {
  return error.issues.map((i) => {
    const path = formatPath([...prefix, ...i.path]);
    return { code: 'invalid', message: path ? `${path}: ${i.message}` : i.message, ...(path ? { path } : {}) };
  });
}
