/**
 * find_records' `where` as types and in words. Zod-free: the summary, the editor and the run view
 * read it.
 */
import type { Json } from '../../definition/common';
import type { ComparisonOp } from '../../definition/conditions';
import { brief } from '../define';
import { fieldLabel } from './fields';

export type RecordOp = Exclude<ComparisonOp, 'changed'>;
export type RecordComparison = { left: string; op: RecordOp; right?: Json | undefined };
export type RecordConditionNode = RecordComparison | RecordConditionGroup;
export type RecordConditionGroup = { all: RecordConditionNode[] } | { any: RecordConditionNode[] };

export const isRecordGroup = (n: RecordConditionNode): n is RecordConditionGroup => 'all' in n || 'any' in n;

/** The operators in words, as the editor's picker and the run view say them. */
export const RECORD_OP_WORDS: Record<RecordOp, string> = {
  eq: 'equals',
  neq: 'does not equal',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  in: 'is one of',
  exists: 'is set',
  is_empty: 'is empty',
};

const value = (v: Json | undefined): string => (typeof v === 'string' ? `"${brief(v, 40)}"` : brief(v ?? null, 40));

function nodeWords(n: RecordConditionNode, nested: boolean): string {
  if (!isRecordGroup(n)) return `${fieldLabel(n.left)} ${RECORD_OP_WORDS[n.op]}${n.right === undefined ? '' : ` ${value(n.right)}`}`;
  const [items, joiner] = 'all' in n ? [n.all, ' and '] : [n.any, ' or '];
  const text = items.map((i) => nodeWords(i, true)).join(joiner);
  return nested && items.length > 1 ? `(${text})` : text;
}

/** "email equals "ada@example.com" and (stage is "won" or amount is greater than 1000)". */
export const describeWhere = (where: RecordConditionGroup | undefined): string => (where ? nodeWords(where, false) : 'every record');

/** The whole query in words, for the summary and the run view. */
export function describeFind(a: {
  object: string;
  where?: RecordConditionGroup | undefined;
  orderBy?: readonly { field: string; direction?: 'asc' | 'desc' | undefined }[] | undefined;
  limit?: number | undefined;
}): string {
  const where = a.where ? ` where ${describeWhere(a.where)}` : '';
  const order = a.orderBy?.length
    ? `, sorted by ${a.orderBy.map((o) => `${fieldLabel(o.field)}${o.direction === 'desc' ? ' (descending)' : ''}`).join(', ')}`
    : '';
  return `Find ${a.object} records${where}${order}, at most ${a.limit ?? 100}`;
}
