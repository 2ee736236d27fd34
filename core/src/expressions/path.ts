import type { Json } from '../definition/common';

/** Keys that would reach the prototype chain; a template never resolves through them. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const isPlainObject = (v: unknown): v is Record<string, Json> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** "steps.a.output.items[0]['x y']" → ["steps","a","output","items",0,"x y"]; undefined when malformed. */
export function parsePath(path: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  const re = /\s*(?:\.?([A-Za-z_$][\w$-]*)|\[\s*(\d+)\s*\]|\[\s*(?:"([^"]*)"|'([^']*)')\s*\])/y;
  let i = 0;
  const src = path.trim();
  if (!src) return undefined;
  while (i < src.length) {
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m || m[0].length === 0) return undefined;
    // A leading dot is only allowed between segments.
    if (out.length === 0 && m[0].trimStart().startsWith('.')) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push((m[3] ?? m[4]) as string);
    i = re.lastIndex;
  }
  return out;
}

/** Follows own properties of plain objects and arrays only; anything else resolves to undefined. */
export function getPath(root: unknown, segments: readonly (string | number)[]): Json | undefined {
  let cur: unknown = root;
  for (const seg of segments) {
    if (typeof seg === 'string' && FORBIDDEN.has(seg)) return undefined;
    if (Array.isArray(cur)) {
      const idx = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : seg === 'length' ? -1 : NaN;
      if (idx === -1) {
        cur = cur.length;
        continue;
      }
      if (!Number.isInteger(idx) || idx < 0 || idx >= cur.length) return undefined;
      const desc = Object.getOwnPropertyDescriptor(cur, idx);
      if (!desc || !('value' in desc)) return undefined;
      cur = desc.value;
    } else if (isPlainObject(cur)) {
      // A data property only: a getter is code, and templates never run code on the context.
      const desc = Object.getOwnPropertyDescriptor(cur, String(seg));
      if (!desc || !('value' in desc)) return undefined;
      cur = desc.value;
    } else {
      return undefined;
    }
  }
  return cur as Json | undefined;
}
