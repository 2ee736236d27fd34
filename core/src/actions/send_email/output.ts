import type { OutputField } from '../define';

/** The fields of this type's output (docs/runtime.md, "Actions"), for the variable picker and the loop Items check. */
export const output: readonly OutputField[] | null = [
  { key: 'messageId', kind: 'text', description: 'the message id' },
  { key: 'to', kind: 'list', description: 'the recipients' },
  { key: 'cc', kind: 'list', description: 'the Cc recipients' },
  { key: 'bcc', kind: 'list', description: 'the Bcc recipients' },
  { key: 'transport', kind: 'text', description: 'how it was sent' },
];
