import type { Json } from '@conduit/core/definition';

/** Text typed into a value box: numbers, booleans, null, lists and objects as JSON; anything else as a string. */
export function parseLoose(text: string): Json {
  const t = text.trim();
  if (t === '' || t.includes('{{')) return text;
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(t) || /^[[{"]/.test(t)) {
    try {
      return JSON.parse(t) as Json;
    } catch {
      return text;
    }
  }
  return text;
}
export const showLoose = (v: Json | undefined): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
