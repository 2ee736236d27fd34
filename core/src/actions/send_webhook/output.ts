import type { OutputField } from '../define';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = [
  { key: 'status', kind: 'number', description: 'the HTTP status' },
  { key: 'url', kind: 'text', description: 'the URL answered, after redirects' },
  { key: 'redirects', kind: 'number', description: 'redirects followed' },
  { key: 'headers', kind: 'object', description: 'the response headers' },
  { key: 'body', kind: 'any', description: 'the response body (parsed when JSON)' },
  { key: 'truncated', kind: 'boolean', description: 'true when the body was cut' },
];
