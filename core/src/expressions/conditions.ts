import type { Json } from '../definition/common';
import type { Comparison, ComparisonOp, ConditionGroup, ConditionNode } from '../definition/conditions';
import { isGroup } from '../definition/condition-nodes';
import { jsonEqual } from '../domain/json';
import { getPath, parsePath } from './path';
import { resolveTemplate, type TemplateContext } from './template';

/** One comparison as evaluated: what was compared and the outcome, for the run timeline. */
type ComparisonTrace = {
  /** Where the comparison sits in the group, e.g. "all[0].any[1]". */
  path: string;
  op: ComparisonOp;
  left: Json | null;
  right: Json | null;
  result: boolean;
};
export type ConditionResult = { result: boolean; trace: ComparisonTrace[] };

const isNumeric = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

/** Equality that forgives the string/number mix mixed-text templates produce ("5" eq 5). */
function looseEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (jsonEqual(a, b)) return true;
  if (isNumeric(a) && isNumeric(b)) return Number(a) === Number(b);
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b;
  if (typeof b === 'boolean' && typeof a === 'string') return String(b) === a;
  return false;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Numbers compare as numbers, ISO dates as instants, other strings lexically; anything else never orders. */
function order(a: Json | undefined, b: Json | undefined): number | undefined {
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') {
    if (ISO_DATE.test(a) && ISO_DATE.test(b)) {
      const x = Date.parse(a);
      const y = Date.parse(b);
      if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return undefined;
}

function contains(haystack: Json | undefined, needle: Json | undefined): boolean {
  if (typeof haystack === 'string')
    return needle !== undefined && needle !== null && haystack.includes(typeof needle === 'string' ? needle : JSON.stringify(needle));
  if (Array.isArray(haystack)) return haystack.some((h) => looseEqual(h, needle));
  if (haystack && typeof haystack === 'object' && typeof needle === 'string') return Object.hasOwn(haystack, needle);
  return false;
}

function isEmpty(v: Json | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/**
 * `changed` names a field: "stage", "record.stage", "trigger.record.stage" or "{{trigger.record.stage}}"
 * all mean the record field "stage"; true when the trigger's `changed` list holds it.
 */
function changedField(left: Json | undefined): string | undefined {
  if (typeof left !== 'string') return undefined;
  const raw = left
    .trim()
    .replace(/^\{\{\s*/, '')
    .replace(/\s*\}\}$/, '');
  const seg = parsePath(raw);
  if (!seg || seg.length === 0) return undefined;
  let rest = seg;
  if (rest[0] === 'trigger') rest = rest.slice(1);
  if (rest[0] === 'record' || rest[0] === 'previous') rest = rest.slice(1);
  const field = rest[0];
  return typeof field === 'string' ? field : undefined;
}

function compare(c: Comparison, ctx: TemplateContext, path: string): ComparisonTrace {
  if (c.op === 'changed') {
    const field = changedField(c.left);
    const list = getPath(ctx, ['trigger', 'changed']);
    const result = field !== undefined && Array.isArray(list) && list.includes(field);
    return { path, op: c.op, left: field ?? null, right: Array.isArray(list) ? list : null, result };
  }
  const left = resolveTemplate(c.left, ctx);
  const right = c.right === undefined ? undefined : resolveTemplate(c.right, ctx);
  let result: boolean;
  switch (c.op) {
    case 'eq':
      result = looseEqual(left, right);
      break;
    case 'neq':
      result = !looseEqual(left, right);
      break;
    case 'gt': {
      const o = order(left, right);
      result = o !== undefined && o > 0;
      break;
    }
    case 'gte': {
      const o = order(left, right);
      result = o !== undefined && o >= 0;
      break;
    }
    case 'lt': {
      const o = order(left, right);
      result = o !== undefined && o < 0;
      break;
    }
    case 'lte': {
      const o = order(left, right);
      result = o !== undefined && o <= 0;
      break;
    }
    case 'contains':
      result = contains(left, right);
      break;
    case 'not_contains':
      result = !contains(left, right);
      break;
    case 'starts_with':
      result = typeof left === 'string' && right !== undefined && right !== null && left.startsWith(String(right));
      break;
    case 'in':
      result = Array.isArray(right) ? right.some((r) => looseEqual(left, r)) : typeof right === 'string' && typeof left === 'string' && right.includes(left);
      break;
    case 'exists':
      result = left !== undefined && left !== null;
      break;
    case 'is_empty':
      result = isEmpty(left);
      break;
    default: {
      const never: never = c.op;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
  return { path, op: c.op, left: left ?? null, right: right ?? null, result };
}

function evalNode(node: ConditionNode, ctx: TemplateContext, path: string, trace: ComparisonTrace[]): boolean {
  if (!isGroup(node)) {
    const t = compare(node, ctx, path);
    trace.push(t);
    return t.result;
  }
  // Every comparison is evaluated (no short-circuit) so the trace explains the whole decision.
  if ('all' in node) return node.all.map((n, i) => evalNode(n, ctx, `${path ? `${path}.` : ''}all[${i}]`, trace)).every(Boolean);
  return node.any.map((n, i) => evalNode(n, ctx, `${path ? `${path}.` : ''}any[${i}]`, trace)).some(Boolean);
}

/** Evaluates an `if` group deterministically; pure, so it runs inside Temporal workflow code. */
export function evaluateCondition(group: ConditionGroup, ctx: TemplateContext): ConditionResult {
  const trace: ComparisonTrace[] = [];
  const result = evalNode(group, ctx, '', trace);
  return { result, trace };
}
