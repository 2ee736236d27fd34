/**
 * find_records and upsert_record over `records.data`: a `where` group compiled to one parameterised
 * statement (field names and values are bound parameters, never SQL text), and an upsert made atomic
 * by a transaction-scoped advisory lock on what it matches.
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import {
  ROOT_CAUSATION,
  RECORD_OP_WORDS,
  fieldLabel,
  isRecordColumn,
  isRecordGroup,
  type Causation,
  type Json,
  type JsonObject,
  type RecordComparison,
  type RecordConditionGroup,
  type RecordConditionNode,
  type RecordTriggerPayload,
} from '../definition';
import { events, records } from '../db/schema';
import { rowsOf } from '../db/driver-row';
import type { Db } from '../db/client';
import { appendEvent, type StoredEvent } from './events';
import { isUuid } from './ids';
import { changedFields, recordEvent, recordView, type RecordRow } from './records';

/** A query or upsert that cannot run as asked; the message is meant for the person who built the step. */
export class RecordQueryError extends Error {
  override name = 'RecordQueryError';
}

/** Most values an "is one of" list may hold: each is one index probe. */
export const MAX_IN_VALUES = 1_000;

// ---------------------------------------------------------------------------------------------
// Values: the same typing as the condition action (core/src/expressions/conditions.ts): numbers
// (and numeric text) compare as numbers, ISO dates as instants, other text by code point.

const isNumeric = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

/**
 * An ISO 8601 date or date-time, with its parts captured for SQL: year (never 0000), month, day,
 * hour, minute, seconds, then Z or the offset's sign, hours and minutes. Strict ranges, so the SQL
 * that builds an instant from the parts never meets a value it refuses.
 */
const ISO_INSTANT =
  '^((?!0000)\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])(?:[T ]([01]\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d(?:\\.\\d{1,9})?))?)?(?:(Z)|([+-])([01]\\d|2[0-3]):?([0-5]\\d)?)?$';
const ISO_INSTANT_RE = new RegExp(ISO_INSTANT);
const isIsoInstant = (v: unknown): v is string => typeof v === 'string' && ISO_INSTANT_RE.test(v);

/** Text PostgreSQL casts to numeric without error (the exponent is kept small so it never overflows). */
const NUMERIC_TEXT = '^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d{1,3})?\\s*$';

/**
 * Seconds since the epoch of ISO text (UTC when it has no offset); SQL NULL for anything else,
 * 30 February included. Built from the parts (day 1, then the days added) so no value errs: a cast
 * would fail the whole query on one bad record, and PostgreSQL 15 has no error-free cast.
 */
const instantOf = (
  text: SQL,
): SQL => sql`(select case when m[3]::int <= extract(day from make_date(m[1]::int, m[2]::int, 1) + interval '1 month' - interval '1 day') then
    extract(epoch from make_timestamp(m[1]::int, m[2]::int, 1, coalesce(m[4], '0')::int, coalesce(m[5], '0')::int, coalesce(m[6], '0')::float8))
    + (m[3]::int - 1) * 86400
    - case when m[8] is null then 0 else (case m[8] when '-' then -1 else 1 end) * (m[9]::int * 3600 + coalesce(m[10], '0')::int * 60) end
  end
  from regexp_match(${text}, ${ISO_INSTANT}) as m)`;

const jsonParam = (v: Json): SQL => sql`${JSON.stringify(v)}::jsonb`;

const isScalar = (v: Json | undefined): v is string | number | boolean | null => v !== undefined && (v === null || typeof v !== 'object');

/** The values the condition action treats as equal to `v` ("5" and 5, "true" and true). */
function looseVariants(v: Json): Json[] {
  if (typeof v === 'number') return [v, String(v)];
  if (typeof v === 'boolean') return [v, String(v)];
  if (typeof v === 'string') {
    if (v === 'true' || v === 'false') return [v, v === 'true'];
    if (isNumeric(v)) return [v, Number(v)];
  }
  return [v];
}

// ---------------------------------------------------------------------------------------------
// Operands: a field as a jsonb expression over the row (SQL NULL when the record lacks it).

type Operand = { field: string; x: SQL; column?: 'id' | 'created_at' | 'updated_at'; path?: string[] };

function operand(field: string): Operand {
  if (field === 'id') return { field, x: sql`to_jsonb(id::text)`, column: 'id' };
  if (field === '_createdAt') return { field, x: sql`to_jsonb(created_at)`, column: 'created_at' };
  if (field === '_updatedAt') return { field, x: sql`to_jsonb(updated_at)`, column: 'updated_at' };
  // A bound text split on dots: "address.city" → data #> '{address,city}'. Field names hold no dots.
  return { field, x: sql`(data #> string_to_array(${field}, '.'))`, path: field.split('.') };
}

/** { a: { b: v } } for the path a.b: what `data @> …` looks for, served by the GIN index. */
function nested(path: string[], v: Json): JsonObject {
  let out: Json = v;
  for (const key of [...path].reverse()) out = { [key]: out };
  return out as JsonObject;
}

const anyOf = (parts: SQL[]): SQL => (parts.length === 0 ? sql`false` : parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`);

/**
 * `data @> any(array[…])` over the loose variants of every value: one probe of the GIN index. An OR
 * of containments would mean the same, but PostgreSQL plans that as a scan of every record.
 */
function contained(path: string[], values: Json[]): SQL {
  const docs = values.flatMap(looseVariants).map((x) => jsonParam(nested(path, x)));
  return docs.length === 1 ? sql`data @> ${docs[0]!}` : sql`data @> any(array[${sql.join(docs, sql`, `)}])`;
}

function equals(o: Operand, v: Json): SQL {
  if (o.column === 'id') return typeof v === 'string' && isUuid(v) ? sql`id = ${v}::uuid` : sql`false`;
  // Scalars as containment (data @> '{"email":"…"}'), which the jsonb_path_ops index answers.
  // Containment of a list or an object is not equality ([1] is contained in [1, 2]), so those compare whole.
  if (o.path && isScalar(v)) return contained(o.path, [v]);
  return anyOf(looseVariants(v).map((x) => sql`${o.x} = ${jsonParam(x)}`));
}

function describe(v: Json | undefined): string {
  if (v === undefined || v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'string' ? 'the text' : `the ${typeof v}`} ${JSON.stringify(v).slice(0, 60)}`;
}

const cmpOps = { gt: sql.raw('>'), gte: sql.raw('>='), lt: sql.raw('<'), lte: sql.raw('<=') } as const;

function ordered(o: Operand, op: keyof typeof cmpOps, v: Json | undefined): SQL {
  const cmp = cmpOps[op];
  const text = sql`(${o.x} #>> '{}')`;
  if (isNumeric(v)) {
    const n = String(Number(v));
    return sql`(case when jsonb_typeof(${o.x}) = 'number' then (${o.x})::numeric when jsonb_typeof(${o.x}) = 'string' and ${text} ~ ${NUMERIC_TEXT} then ${text}::numeric end) ${cmp} ${n}::numeric`;
  }
  if (isIsoInstant(v)) {
    // The record's own timestamps compare as columns (the btree on created_at serves it).
    if (o.column === 'created_at' || o.column === 'updated_at') return sql`extract(epoch from ${sql.raw(o.column)}) ${cmp} ${instantOf(sql`${v}::text`)}`;
    return sql`jsonb_typeof(${o.x}) = 'string' and ${instantOf(text)} ${cmp} ${instantOf(sql`${v}::text`)}`;
  }
  if (typeof v === 'string') return sql`jsonb_typeof(${o.x}) = 'string' and ${text} collate "C" ${cmp} ${v}::text collate "C"`;
  throw new RecordQueryError(`"${fieldLabel(o.field)} ${RECORD_OP_WORDS[op]}" compares with a number, a date or text; the value was ${describe(v)}`);
}

function contains(o: Operand, v: Json | undefined): SQL {
  if (v === undefined || v === null) return sql`false`;
  const needle = typeof v === 'string' ? v : JSON.stringify(v);
  const inList = anyOf(looseVariants(v).map((x) => sql`${o.x} @> ${jsonParam([x])}`));
  return sql`(case jsonb_typeof(${o.x})
    when 'string' then strpos(${o.x} #>> '{}', ${needle}::text) > 0
    when 'array' then ${inList}
    when 'object' then ${typeof v === 'string' ? sql`${o.x} ? ${v}::text` : sql`false`}
    else false end)`;
}

function oneOf(o: Operand, v: Json | undefined): SQL {
  if (!Array.isArray(v)) throw new RecordQueryError(`"${fieldLabel(o.field)} is one of" needs a list of values; the value was ${describe(v)}`);
  if (v.length > MAX_IN_VALUES)
    throw new RecordQueryError(`"${fieldLabel(o.field)} is one of" takes at most ${MAX_IN_VALUES} values; it was given ${v.length}`);
  if (o.column === 'id') {
    const ids = v.filter((x): x is string => typeof x === 'string' && isUuid(x));
    return ids.length ? sql`id in (select jsonb_array_elements_text(${jsonParam(ids)})::uuid)` : sql`false`;
  }
  if (v.length === 0) return sql`false`;
  if (o.path && v.every(isScalar)) return contained(o.path, v);
  return anyOf(v.map((x) => equals(o, x)));
}

/** True when the comparison compiles to containment or an id test only (see equals and oneOf). */
function neverNull(o: Operand, c: RecordComparison): boolean {
  if (c.op !== 'eq' && c.op !== 'neq' && c.op !== 'in') return false;
  if (o.column === 'id') return true;
  if (!o.path) return false;
  return c.op === 'in' ? Array.isArray(c.right) && c.right.every(isScalar) : isScalar(c.right);
}

function comparison(c: RecordComparison): SQL {
  const o = operand(c.left);
  const v = c.right;
  const positive = (): SQL => {
    switch (c.op) {
      case 'eq':
      case 'neq':
        if (v === undefined) throw new RecordQueryError(`"${fieldLabel(c.left)} ${RECORD_OP_WORDS[c.op]}" has no value to compare with`);
        return equals(o, v);
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return ordered(o, c.op, v);
      case 'contains':
      case 'not_contains':
        return contains(o, v);
      case 'starts_with':
        if (v === undefined || v === null) return sql`false`;
        return sql`(jsonb_typeof(${o.x}) = 'string' and starts_with(${o.x} #>> '{}', ${typeof v === 'string' ? v : JSON.stringify(v)}::text))`;
      case 'in':
        return oneOf(o, v);
      case 'exists':
        return sql`(${o.x} is not null and ${o.x} <> 'null'::jsonb)`;
      case 'is_empty':
        return sql`(${o.x} is null or ${o.x} in ('null'::jsonb, '[]'::jsonb, '{}'::jsonb) or (jsonb_typeof(${o.x}) = 'string' and (${o.x} #>> '{}') ~ '^\\s*$'))`;
      default: {
        const never: never = c.op;
        throw new RecordQueryError(`unknown comparison ${String(never)}`);
      }
    }
  };
  // A missing field makes SQL NULL; the condition action calls that "not equal", "does not contain".
  // Containment and the id test are never NULL and stay bare: wrapped in coalesce, PostgreSQL could
  // no longer answer them from the GIN index (or estimate them), and would read every record.
  const p = neverNull(o, c) ? positive() : sql`coalesce(${positive()}, false)`;
  return c.op === 'neq' || c.op === 'not_contains' ? sql`not ${p}` : p;
}

function node(n: RecordConditionNode): SQL {
  if (!isRecordGroup(n)) return comparison(n);
  const [items, joiner] = 'all' in n ? [n.all, sql` and `] : [n.any, sql` or `];
  return sql`(${sql.join(items.map(node), joiner)})`;
}

/** The `where` group as one SQL condition over a row of `records`. */
const whereSql = (where: RecordConditionGroup | undefined): SQL => (where ? node(where) : sql`true`);

function orderSql(orderBy: readonly { field: string; direction: 'asc' | 'desc' }[]): SQL {
  const parts = orderBy.map((o) => {
    const dir = sql.raw(o.direction === 'desc' ? 'desc' : 'asc');
    const x = operand(o.field);
    // jsonb's own order: numbers numerically, text alphabetically; records without the field last.
    return x.column ? sql`${sql.raw(x.column)} ${dir}` : sql`${x.x} ${dir} nulls last`;
  });
  // Then oldest first: a stable order, so `first` is the same record every time.
  return sql.join([...parts, sql`created_at asc`, sql`id asc`], sql`, `);
}

export type FindInput = {
  workspaceId: string;
  object: string;
  where?: RecordConditionGroup | undefined;
  orderBy?: readonly { field: string; direction: 'asc' | 'desc' }[] | undefined;
  limit: number;
};
export type FindResult = { items: JsonObject[]; count: number; first: JsonObject | null; hasMore: boolean };

/**
 * Records of one object in the workspace that match `where`, in `orderBy` order (then oldest first),
 * at most `limit`. One statement: the matching rows, and, when sorting by data fields, the ones no
 * record of the object has (records are schemaless, so "unknown" means that: a sort by a field no
 * record has is a typo, not an order).
 */
export async function findRecords(db: Db, input: FindInput): Promise<FindResult> {
  const [row] = rowsOf<{ items: { id: string; data: JsonObject }[]; unknown: string[] }>(await db.execute(findStatement(input)));
  const missing = row?.unknown ?? [];
  if (missing.length)
    throw new RecordQueryError(
      `cannot sort by ${missing.map((f) => `"${f}"`).join(', ')}: no ${input.object} record has ${missing.length === 1 ? 'that field' : 'those fields'}`,
    );
  const all = (row?.items ?? []).map(recordView);
  const items = all.slice(0, input.limit);
  return { items, count: items.length, first: items[0] ?? null, hasMore: all.length > input.limit };
}

/** The one statement findRecords sends (exported so a test can ask PostgreSQL for its plan). */
export function findStatement(input: FindInput): SQL {
  const orderBy = input.orderBy ?? [];
  const scope = sql`workspace_id = ${input.workspaceId}::uuid and object = ${input.object}`;
  const order = orderSql(orderBy);
  const dataFields = orderBy.filter((o) => !isRecordColumn(o.field)).map((o) => o.field);
  const unknown = dataFields.length
    ? sql`(select coalesce(jsonb_agg(f.name), '[]'::jsonb) from jsonb_array_elements_text(${jsonParam(dataFields)}) as f(name)
         where exists (select 1 from records where ${scope})
           and not exists (select 1 from records where ${scope} and data #> string_to_array(f.name, '.') is not null))`
    : sql`'[]'::jsonb`;
  return sql`select
    (select coalesce(jsonb_agg(jsonb_build_object('id', id, 'data', data) order by ${order}), '[]'::jsonb)
       from (select id, data, created_at, updated_at from records
              where ${scope} and ${whereSql(input.where)}
              order by ${order}
              limit ${input.limit + 1}) as found) as items,
    ${unknown} as unknown`;
}

// ---------------------------------------------------------------------------------------------

export type UpsertInput = {
  workspaceId: string;
  object: string;
  match: readonly string[];
  data: JsonObject;
  causation?: Causation;
  /** Id of a record this call creates: a step names it after itself (see createRecord). */
  id?: string;
  /**
   * Marks the event this call emits. A call repeated with the same key (a step retried after its
   * commit) answers what the first one did, and emits nothing more.
   */
  dedupeKey?: string;
};
export type UpsertResult = { record: RecordRow; created: boolean; changed: string[]; event: StoredEvent | null };

/**
 * Updates the oldest record of the object whose match fields equal data's (exact JSON equality),
 * else creates one; the change and its event in one transaction (the outbox).
 *
 * Atomic under concurrency through a transaction-scoped advisory lock keyed on (workspace, object,
 * match fields and values): upserts of the same key run one after another, so the second sees the
 * first's record; different keys never wait on each other. A unique index cannot do this here:
 * records are schemaless and each workflow matches on its own fields, so there is no fixed
 * expression to index. The lock binds upserts to each other; a plain create of a record with the
 * same values (API or create_record) does not take it.
 */
export async function upsertRecord(db: Db, input: UpsertInput): Promise<UpsertResult> {
  const match: JsonObject = {};
  for (const f of input.match) {
    const v = input.data[f];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === ''))
      throw new RecordQueryError(`"${f}" is matched on but has no value here, so there is nothing to find the record by`);
    match[f] = v;
  }
  const key = JSON.stringify([input.workspaceId, input.object, Object.entries(match).sort(([a], [b]) => (a < b ? -1 : 1))]);
  const causation = input.causation ?? ROOT_CAUSATION;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    if (input.dedupeKey) {
      const [done] = await tx
        .select()
        .from(events)
        .where(and(eq(events.workspaceId, input.workspaceId), eq(events.dedupeKey, input.dedupeKey)));
      if (done) {
        const [record] = done.recordId
          ? await tx
              .select()
              .from(records)
              .where(and(eq(records.workspaceId, input.workspaceId), sql`${records.id} = ${done.recordId}::uuid`))
          : [];
        if (!record) throw new RecordQueryError('the record an earlier attempt of this step wrote has been deleted since');
        return { record, created: done.type === 'record.created', changed: (done.payload as RecordTriggerPayload).changed, event: done };
      }
    }
    const [existing] = await tx
      .select()
      .from(records)
      .where(and(eq(records.workspaceId, input.workspaceId), eq(records.object, input.object), sql`${records.data} @> ${JSON.stringify(match)}::jsonb`))
      .orderBy(asc(records.createdAt), asc(records.id))
      .limit(1)
      .for('update');
    if (!existing) {
      const [row] = await tx
        .insert(records)
        .values({ ...(input.id ? { id: input.id } : {}), workspaceId: input.workspaceId, object: input.object, data: input.data })
        .returning();
      if (!row) throw new Error('record insert returned nothing');
      const changed = Object.keys(row.data).sort();
      const event = await appendEvent(tx, { ...recordEvent('created', row, null, changed, causation), dedupeKey: input.dedupeKey ?? null });
      return { record: row, created: true, changed, event };
    }
    const data = { ...existing.data, ...input.data };
    const changed = changedFields(existing.data, data);
    // Nothing new: no write and no record_updated (an event for no change would start runs for nothing).
    if (changed.length === 0) return { record: existing, created: false, changed, event: null };
    const [row] = await tx.update(records).set({ data, updatedAt: sql`now()` }).where(eq(records.id, existing.id)).returning();
    if (!row) throw new Error('record update returned nothing');
    const event = await appendEvent(tx, { ...recordEvent('updated', row, recordView(existing), changed, causation), dedupeKey: input.dedupeKey ?? null });
    return { record: row, created: false, changed, event };
  });
}

// ---------------------------------------------------------------------------------------------
// What the editor suggests: the workspace's objects and the fields their records hold.

/** Records read for an object's field names: the newest, so a field added lately shows up. */
export const FIELD_SAMPLE = 500;

/** The object names that have records in the workspace, sorted. */
export async function recordObjects(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db.selectDistinct({ object: records.object }).from(records).where(eq(records.workspaceId, workspaceId)).orderBy(asc(records.object));
  return rows.map((r) => r.object);
}

/** Field names found on the newest FIELD_SAMPLE records of the object, sorted (records are schemaless). */
export async function recordFields(db: Db, input: { workspaceId: string; object: string }): Promise<string[]> {
  const result = await db.execute(sql`select distinct k.name collate "C" as name from
      (select data from records where workspace_id = ${input.workspaceId}::uuid and object = ${input.object}
        order by created_at desc limit ${FIELD_SAMPLE}) as r,
      jsonb_object_keys(case when jsonb_typeof(r.data) = 'object' then r.data else '{}'::jsonb end) as k(name)
    order by 1`);
  return rowsOf<{ name: string }>(result).map((r) => r.name);
}
