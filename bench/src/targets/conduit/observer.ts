import type pg from 'pg';
import { sleep } from '../../bounded';

type Waiter = { resolve: (r: Completion) => void; reject: (e: Error) => void; until: number };
export type Completion = { status: string; observedAt: number };

const DONE = ['completed', 'failed', 'cancelled'];

/** Wall-clock time in ms with sub-ms resolution (same clock as PostgreSQL's timestamps on this machine). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * Watches workflow_executions for runs to finish. One query every `intervalMs` covers every
 * waiting event, so observing costs the database the same at concurrency 1 or 256.
 */
export class CompletionObserver {
  private readonly waiting = new Map<string, Waiter>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly db: pg.Pool,
    private readonly workflowId: string,
    readonly intervalMs = 2,
  ) {
    this.loop = this.run();
  }

  /** Resolves when the run caused by `eventId` has finished (any terminal status). */
  wait(eventId: string, timeoutMs = 60_000): Promise<Completion> {
    return new Promise((resolve, reject) => this.waiting.set(eventId, { resolve, reject, until: Date.now() + timeoutMs }));
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.waiting.size === 0) {
        await sleep(this.intervalMs);
        continue;
      }
      const ids = [...this.waiting.keys()];
      try {
        const { rows } = await this.db.query<{ event_id: string; status: string }>(
          'select event_id::text as event_id, status from workflow_executions where workflow_id = $1 and event_id = any($2::uuid[]) and status = any($3::text[])',
          [this.workflowId, ids, DONE],
        );
        const at = nowMs();
        for (const row of rows) {
          this.waiting.get(row.event_id)?.resolve({ status: row.status, observedAt: at });
          this.waiting.delete(row.event_id);
        }
      } catch (e) {
        for (const w of this.waiting.values()) w.reject(e as Error);
        this.waiting.clear();
      }
      const now = Date.now();
      for (const [id, w] of this.waiting) {
        if (now > w.until) {
          w.reject(new Error(`run for event ${id} did not finish in time`));
          this.waiting.delete(id);
        }
      }
      await sleep(this.intervalMs);
    }
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const w of this.waiting.values()) w.reject(new Error('observer closed'));
    this.waiting.clear();
  }
}
