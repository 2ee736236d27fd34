import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Json } from '../definition';
import { workflowExecutions } from '../db/schema';
import type { DbOrTx } from '../db/client';
import { preparedQuery } from '../db/prepared';
import { runWorkflowId } from '../temporal';

export type ExecutionRow = typeof workflowExecutions.$inferSelect;

export type NewExecution = {
  workspaceId: string;
  workflowId: string;
  versionId: string | null;
  /** The event that caused the run; (workflowId, eventId) is unique, so a redelivered event finds the first row. */
  eventId: string | null;
  input: Json;
  recordId?: string | null;
  retryOf?: string | null;
  isTest?: boolean;
  /** A dry test run (see RunInput.dryRun); a retry of one stays dry. */
  dryRun?: boolean;
};

// Every run start inserts one: a prepared statement.
const insertExecution = preparedQuery('execution_insert', (db, name) =>
  db
    .insert(workflowExecutions)
    .values({
      id: sql.placeholder('id'),
      workspaceId: sql.placeholder('workspaceId'),
      workflowId: sql.placeholder('workflowId'),
      versionId: sql.placeholder('versionId'),
      eventId: sql.placeholder('eventId'),
      input: sql.placeholder('input'),
      status: 'pending',
      recordId: sql.placeholder('recordId'),
      retryOf: sql.placeholder('retryOf'),
      isTest: sql.placeholder('isTest'),
      dryRun: sql.placeholder('dryRun'),
      temporalWorkflowId: sql.placeholder('temporalWorkflowId'),
    })
    .onConflictDoNothing()
    .returning()
    .prepare(name),
);

/**
 * Creates the pending execution row, or returns the existing one for the same (workflow, event):
 * `created` false means the event was seen before and no second run may start.
 */
export async function createExecution(db: DbOrTx, e: NewExecution): Promise<{ execution: ExecutionRow; created: boolean }> {
  const id = crypto.randomUUID();
  const [row] = await insertExecution(db).execute({
    id,
    workspaceId: e.workspaceId,
    workflowId: e.workflowId,
    versionId: e.versionId,
    eventId: e.eventId,
    input: e.input,
    recordId: e.recordId ?? null,
    retryOf: e.retryOf ?? null,
    isTest: e.isTest ?? false,
    dryRun: e.dryRun ?? false,
    temporalWorkflowId: runWorkflowId(id),
  });
  if (row) return { execution: row, created: true };
  const existing = await findEventExecution(db, e.workflowId, e.eventId);
  if (!existing) throw new Error('execution insert conflicted but no row was found');
  return { execution: existing, created: false };
}

/** The execution of a workflow for one event (the unique pair); undefined when none was made. */
export async function findEventExecution(db: DbOrTx, workflowId: string, eventId: string | null): Promise<ExecutionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.workflowId, workflowId), eventId ? eq(workflowExecutions.eventId, eventId) : isNull(workflowExecutions.eventId)));
  return row;
}
