/**
 * Names of record fields as find_records and upsert_record take them. Zod-free: the editor, the run
 * view and the workflow bundle read these.
 */

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
