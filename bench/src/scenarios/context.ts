import type { Profile } from '../options';
import type { Row, SizeRow } from '../report/model';
import type { N8nInstall } from '../targets/n8n/install';
import type { N8nServer } from '../targets/n8n/server';

export type Ctx = {
  profile: Profile;
  /** The shared PostgreSQL server; each Conduit stack gets a fresh database on it. */
  pgUrl: string;
  /** The shared PostgreSQL server's process, for CPU accounting. */
  pgPid?: number;
  /** Started once per bench; null when n8n could not be installed or started (or --no-n8n). */
  n8n: N8nServer | null;
  /** n8n's cached install, when it could be had (queue mode starts its own processes from it). */
  n8nInstall?: N8nInstall;
  log: (s: string) => void;
  rows: Row[];
  sizes: SizeRow[];
  notes: string[];
};
