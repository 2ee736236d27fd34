import type { Profile } from '../options';
import type { Row, SizeRow } from '../report/model';
import type { N8nServer } from '../targets/n8n/server';

export type Ctx = {
  profile: Profile;
  /** The shared PostgreSQL server; each Conduit stack gets a fresh database on it. */
  pgUrl: string;
  /** The shared PostgreSQL server's process, for CPU accounting. */
  pgPid?: number;
  /** Started once per bench; null when n8n could not be installed or started (or --no-n8n). */
  n8n: N8nServer | null;
  log: (s: string) => void;
  rows: Row[];
  sizes: SizeRow[];
  notes: string[];
};
