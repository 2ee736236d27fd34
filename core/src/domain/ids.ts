import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids from URLs are checked before they reach a uuid column: a malformed one is "not found", not a 500. */
export const isUuid = (s: string): boolean => UUID.test(s);

/** Namespace of the name-based ids below (a fixed random uuid). */
const NAMESPACE = Buffer.from('6f1c2a4e8b3d4f7a9c0e1d2b3a4f5e6d', 'hex');

/**
 * A UUID (version 5, RFC 9562) derived from a name: the same name gives the same id. A step that
 * creates something names it after (execution, action), so re-running the step finds what its earlier
 * attempt made instead of making it twice.
 */
export function uuidFromName(name: string): string {
  const h = createHash('sha1').update(NAMESPACE).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
