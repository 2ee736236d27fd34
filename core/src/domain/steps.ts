import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Json, StepStatus } from '../definition';
import { executionSteps } from '../db/schema';
import type { DbOrTx } from '../db/client';

export type ExecutionStepRow = typeof executionSteps.$inferSelect;

/** One step row as the runtime writes it; (executionId, path) is unique, so writes are upserts. */
export type StepWrite = {
  executionId: string;
  workspaceId: string;
  actionId: string;
  actionType: string;
  path: string;
  seq: number;
  status: StepStatus;
  input?: Json | null;
  output?: Json | null;
  error?: string | null;
  attempts?: number;
  startedAt?: Date | string | null;
  completedAt?: Date | string | null;
};

const FINAL: StepStatus[] = ['completed', 'failed', 'skipped', 'cancelled'];
const toDate = (d: Date | string | null | undefined): Date | null => (d == null ? null : d instanceof Date ? d : new Date(d));

const values = (w: StepWrite) => ({
  executionId: w.executionId,
  workspaceId: w.workspaceId,
  actionId: w.actionId,
  actionType: w.actionType,
  path: w.path,
  seq: w.seq,
  status: w.status,
  input: w.input ?? null,
  output: w.output ?? null,
  error: w.error ?? null,
  attempts: w.attempts ?? 0,
  startedAt: toDate(w.startedAt),
  completedAt: toDate(w.completedAt),
});

const excluded = (col: string) => sql.raw(`excluded.${col}`);
const SET = {
  status: excluded('status'),
  input: excluded('input'),
  output: excluded('output'),
  error: excluded('error'),
  attempts: excluded('attempts'),
  seq: excluded('seq'),
  startedAt: sql`coalesce(${executionSteps.startedAt}, excluded.started_at)`,
  completedAt: excluded('completed_at'),
};

/**
 * The statements that write step rows, one per kind. Final states overwrite whatever is there (a
 * replayed write is idempotent); a late `running` write never overwrites a finished step; `skipped`
 * only fills steps that have no row yet. Separate kinds never touch the same row (the last write for
 * a step wins within one batch), so they may also run as parts of one statement (completeExecution).
 */
export function stepWriteQueries(db: DbOrTx, writes: readonly StepWrite[]) {
  // The last write for a step wins within one batch (a step's start and end may travel together).
  const byAction = new Map<string, StepWrite>();
  for (const w of writes) byAction.set(`${w.executionId}/${w.path}`, w);
  const all = [...byAction.values()];
  const skipped = all.filter((w) => w.status === 'skipped');
  const final = all.filter((w) => w.status !== 'skipped' && FINAL.includes(w.status));
  const open = all.filter((w) => !FINAL.includes(w.status));
  return [
    ...(final.length
      ? [
          db
            .insert(executionSteps)
            .values(final.map(values))
            .onConflictDoUpdate({ target: [executionSteps.executionId, executionSteps.path], set: SET }),
        ]
      : []),
    ...(open.length
      ? [
          db
            .insert(executionSteps)
            .values(open.map(values))
            .onConflictDoUpdate({
              target: [executionSteps.executionId, executionSteps.path],
              set: SET,
              setWhere: inArray(executionSteps.status, ['pending', 'running']),
            }),
        ]
      : []),
    ...(skipped.length ? [db.insert(executionSteps).values(skipped.map(values)).onConflictDoNothing()] : []),
  ];
}

/** Writes step rows in one statement per kind (see stepWriteQueries). */
export async function writeSteps(db: DbOrTx, writes: readonly StepWrite[]): Promise<void> {
  for (const q of stepWriteQueries(db, writes)) await q;
}

/** The steps of one execution in the order they ran (never-run steps last, in definition order). */
export async function listStepRows(db: DbOrTx, scope: { workspaceId: string; executionId: string }): Promise<ExecutionStepRow[]> {
  return db
    .select()
    .from(executionSteps)
    .where(and(eq(executionSteps.executionId, scope.executionId), eq(executionSteps.workspaceId, scope.workspaceId)))
    .orderBy(executionSteps.seq);
}
