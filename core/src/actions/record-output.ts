import type { OutputField } from './define';

/** The output fields every record step has (create, update, delete, upsert), before its own. */
export const RECORD_OUTPUT: readonly OutputField[] = [
  { key: 'id', kind: 'text', description: 'the record id' },
  { key: 'object', kind: 'text', description: 'its object' },
  { key: 'record', kind: 'object', description: 'the record: its fields and id' },
];
