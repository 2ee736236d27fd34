import type { Client } from '@temporalio/client';
import type { Db } from '@conduit/core/db';

export type ScheduleSync = {
  /** Makes the workflow's Temporal Schedule match the database: created/updated when active, paused otherwise. */
  sync(workflowId: string): Promise<'created' | 'updated' | 'paused' | 'deleted' | 'none'>;
  /** Deletes the workflow's schedule (the workflow was deleted). Missing schedules are fine. */
  remove(workflowId: string): Promise<void>;
  /** On start-up: every schedule workflow synced, and schedules of workflows that no longer exist deleted. */
  reconcile(): Promise<{ synced: number; removed: number }>;
};

export function createScheduleSync(_deps: { db: Db; temporal: Client }): ScheduleSync {
  throw new Error('not implemented yet');
}
