import type { Json } from '../definition/common';
import { FUNCTIONS, nowIso, type ExpressionFunction } from './functions';
import { getPath, parsePath } from './path';

/** What templates can see: `{{trigger.…}}`, `{{steps.<id>.output…}}`, and inside a loop `{{item}}` and `{{index}}`. */
export type TemplateContext = { trigger: unknown; steps: Record<string, unknown>; item?: unknown; index?: number };

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\s*\{\{\s*([^{}]*?)\s*\}\}\s*$/;

/** Roots a template may start with besides `trigger` and `steps`: the loop's `item` and `index`, and `now`. */
export const TEMPLATE_ROOTS = ['trigger', 'steps', 'item', 'index', 'now'] as const;

/** A function argument: JSON (`3`, `"x"`, `true`), 'single-quoted' text, a path (`item.id`), else the bare text. */
function parseArg(text: string | undefined, ctx: TemplateContext): Json | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  try {
    return JSON.parse(t) as Json;
  } catch {
    const quoted = /^'(.*)'$/s.exec(t);
    if (quoted) return quoted[1];
    const seg = parsePath(t);
    if (seg && (TEMPLATE_ROOTS as readonly unknown[]).includes(seg[0])) return valueAt(seg, ctx);
    return t;
  }
}

/** Splits on a separator outside quotes and brackets. */
function splitOutside(expr: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let depth = 0;
  for (const ch of expr) {
    if (quote) {
      if (ch === quote) quote = null;
      cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === sep && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

/** "a.b | default: 'x' | upper" → ["a.b", "default: 'x'", "upper"]. */
const splitPipes = (expr: string): string[] => splitOutside(expr, '|');

/** One `name: args` step of a pipe; `default` takes the whole text as its argument (commas included). */
function parseCall(f: string): { name: string; fn: ExpressionFunction | undefined; args: string[] } | null {
  const m = /^([a-z_]+)\s*(?::(.*))?$/is.exec(f);
  if (!m) return null;
  const name = m[1]!;
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  const rest = m[2];
  const args = rest === undefined || rest.trim() === '' ? [] : fn?.wholeArgument ? [rest] : splitOutside(rest, ',');
  return { name, fn, args };
}

function valueAt(segments: readonly (string | number)[], ctx: TemplateContext): Json | undefined {
  if (segments.length === 1 && segments[0] === 'now') return nowIso();
  return getPath(ctx, segments);
}

/**
 * What is wrong with the functions of one `{{ expression }}` (unknown name, wrong number of
 * arguments), in words for a person; empty when nothing is.
 */
export function expressionProblems(expr: string): string[] {
  const out: string[] = [];
  for (const f of splitPipes(expr).slice(1)) {
    const call = parseCall(f);
    if (!call) {
      out.push(`"${f}" is not a function call (write | name or | name: argument)`);
      continue;
    }
    if (!call.fn) {
      out.push(`unknown function "${call.name}"`);
      continue;
    }
    const [min, max] = call.fn.args;
    if (call.args.length < min || call.args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      out.push(`"${call.name}" takes ${want} argument${max === 1 ? '' : 's'}, not ${call.args.length}`);
    }
  }
  return out;
}

/** Every function problem of the templates inside a value. */
export function templateProblems(value: Json | undefined): string[] {
  const out: string[] = [];
  const visit = (v: Json | undefined): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(TEMPLATE)) out.push(...expressionProblems(m[1]!));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}

/** The value of one `{{ expression }}` (without braces); undefined when the path is missing. */
export function evaluateExpression(expr: string, ctx: TemplateContext): Json | undefined {
  const [pathText = '', ...filters] = splitPipes(expr);
  const segments = parsePath(pathText);
  let value = segments ? valueAt(segments, ctx) : undefined;
  // Unknown functions are refused when the definition is saved; one that slipped in leaves the value as is.
  for (const f of filters) {
    const call = parseCall(f);
    if (call?.fn)
      value = call.fn.apply(
        value,
        call.args.map((a) => parseArg(a, ctx)),
      );
  }
  return value;
}

const stringify = (v: Json | undefined): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** The secret a `{{secrets.NAME}}` expression names, or null for any other expression. */
export function secretNameOf(expr: string): string | null {
  const m = /^\s*secrets\s*\.\s*([A-Za-z0-9_]+)\s*$/.exec(splitPipes(expr)[0] ?? '');
  return m ? m[1]! : null;
}

/**
 * Renders a string: exactly one template keeps the value's JSON type; mixed text interpolates strings.
 * `{{secrets.NAME}}` is never resolved here: it stays as written, so the workflow, its history and
 * the step rows only ever hold the reference; the activity puts the value in at the moment of the call.
 */
export function resolveString(s: string, ctx: TemplateContext): Json | undefined {
  if (!s.includes('{{')) return s;
  const whole = WHOLE.exec(s);
  if (whole) return secretNameOf(whole[1]!) !== null ? s : evaluateExpression(whole[1]!, ctx);
  return s.replace(TEMPLATE, (m, expr: string) => (secretNameOf(expr) !== null ? m : stringify(evaluateExpression(expr, ctx))));
}

/** A piece of a string that holds secret references: text as resolved, or the secret to put in. */
export type SecretPart = string | { secret: string };

/**
 * The string's pieces when it references a secret, else null: the activity joins them with the
 * values. Data substituted from other templates stays text here, so a `{{secrets.X}}` that arrives
 * inside a record or a webhook body is never resolved (only what the definition itself wrote is).
 */
export function secretParts(s: string, ctx: TemplateContext): SecretPart[] | null {
  if (!s.includes('{{')) return null;
  const parts: SecretPart[] = [];
  let last = 0;
  let any = false;
  for (const m of s.matchAll(TEMPLATE)) {
    const name = secretNameOf(m[1]!);
    if (m.index > last) parts.push(s.slice(last, m.index));
    if (name !== null) {
      any = true;
      parts.push({ secret: name });
    } else parts.push(stringify(evaluateExpression(m[1]!, ctx)));
    last = m.index + m[0].length;
  }
  if (last < s.length) parts.push(s.slice(last));
  return any ? parts : null;
}

/** The names of the secrets a value references, in order of appearance, without repeats. */
export function secretReferences(value: Json | undefined): string[] {
  const out = new Set<string>();
  for (const ref of extractReferences(value)) {
    const name = secretNameOf(ref);
    if (name !== null) out.add(name);
  }
  return [...out];
}

/**
 * Resolves every template inside a JSON value. Object keys are kept as written; a property whose
 * value resolves to undefined is dropped, an array item becomes null.
 */
export function resolveTemplate(value: Json, ctx: TemplateContext): Json | undefined {
  if (typeof value === 'string') return resolveString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => resolveTemplate(v, ctx) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolveTemplate(v, ctx);
      // defineProperty keeps a key such as "__proto__" as data instead of setting the prototype.
      if (r !== undefined) Object.defineProperty(out, k, { value: r, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * A preview of a value for people before a run: each template whose value is known from `ctx` is
 * filled in, every other one (a later step's output, a loop's item, a secret) stays as written.
 */
export function previewTemplate(value: Json, ctx: TemplateContext): Json {
  if (typeof value === 'string')
    return value.replace(TEMPLATE, (m, expr: string) => {
      if (secretNameOf(expr) !== null) return m;
      const v = evaluateExpression(expr, ctx);
      return v === undefined ? m : stringify(v);
    });
  if (Array.isArray(value)) return value.map((v) => previewTemplate(v, ctx));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, { value: previewTemplate(v, ctx), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Every path referenced by a template inside the value (filters stripped), in order of appearance. */
export function extractReferences(value: Json | undefined): string[] {
  const out: string[] = [];
  const visit = (v: Json | undefined): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(TEMPLATE)) {
        const path = splitPipes(m[1]!)[0];
        if (path) out.push(path);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}

/** The action ids a value depends on through `{{steps.<id>…}}`. */
export function referencedSteps(value: Json | undefined): string[] {
  const ids = new Set<string>();
  for (const ref of extractReferences(value)) {
    const seg = parsePath(ref);
    if (seg && seg[0] === 'steps' && typeof seg[1] === 'string') ids.add(seg[1]);
  }
  return [...ids];
}
