import type { OutputField } from './define';

/**
 * The output fields every record step has (create, update, delete, upsert), then its own. Each
 * output.ts calls it marked pure: a spread or a call Rollup cannot prove pure would keep the module
 * in the first page's chunk, which never reads outputs.
 */
export const recordOutput = (...own: OutputField[]): readonly OutputField[] => [
  { key: 'id', kind: 'text', description: 'the record id' },
  { key: 'object', kind: 'text', description: 'its object' },
  { key: 'record', kind: 'object', description: 'the record: its fields and id' },
  ...own,
];
