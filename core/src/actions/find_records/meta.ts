/**
 * find_records' facts, zod-free (the workflow bundle, the editor and the run view read them): the
 * fields it can name, its `where` as types and in words, and the meta table entry.
 */
import type { Json } from '../../definition/common';
import type { ComparisonOp } from '../../definition/conditions';
import { brief, defineActionMeta } from '../define';
import type { FindRecordsAction } from './schema';

/** The record's own columns, reachable besides its data fields. `id` is the record id (as templates see it). */
export const RECORD_COLUMNS = {
  id: 'Record id',
  _createdAt: 'Created at',
  _updatedAt: 'Updated at',
} as const;
export type RecordColumn = keyof typeof RECORD_COLUMNS;
export const isRecordColumn = (f: string): f is RecordColumn => Object.hasOwn(RECORD_COLUMNS, f);

/** A data field ("email") or a nested one ("address.city"), or one of RECORD_COLUMNS. */
export const FIELD_PATH = /^(?:_createdAt|_updatedAt|[A-Za-z][A-Za-z0-9_]{0,62}(?:\.[A-Za-z][A-Za-z0-9_]{0,62}){0,7})$/;

/** A person's name for a field: "Created at" for _createdAt, the field as written otherwise. */
export const fieldLabel = (f: string): string => (isRecordColumn(f) && f !== 'id' ? RECORD_COLUMNS[f] : f);

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

export const findRecordsMeta = defineActionMeta<FindRecordsAction>({
  type: 'find_records',
  label: 'Find records',
  description: 'Look up records of an object by their fields.',
  idBase: 'find',
  // One indexed read, a few milliseconds: a local activity (a regular one's scheduling costs more
  // than the query). Transient database errors are retried fast; a read is safe to repeat.
  placement: 'local',
  retry: { maxAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2, maxIntervalMs: 5_000 },
  timeoutMs: () => 30_000,
  rawFields: [],
  structuralFields: [],
  fieldLabels: { where: 'Where', orderBy: 'Sort by' },
  summary: (a) => brief(describeFind(a), 80),
});
