import pg from 'pg';

type Waiter = { resolve: (r: Completion) => void; reject: (e: Error) => void; until: number };
export type Completion = { status: string; observedAt: number };

/** Wall-clock time in ms with sub-ms resolution (same clock as PostgreSQL's timestamps on this machine). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

const CHANNEL = 'conduit_bench_run_done';

/*
 * A bench-only trigger on the stack's database: when a run row reaches a terminal status, the
 * commit notifies the channel with "<workflow id> <event id> <status>". Observing costs the system
 * one pg_notify per run instead of a query every few milliseconds (issue 21: completion observed
 * without costing the system under test).
 */
const INSTALL = `
create or replace function conduit_bench_notify_done() returns trigger language plpgsql as $$
begin
  perform pg_notify('${CHANNEL}', new.workflow_id::text || ' ' || new.event_id::text || ' ' || new.status);
  return null;
end $$;
drop trigger if exists conduit_bench_done on workflow_executions;
create trigger conduit_bench_done after insert or update of status on workflow_executions
  for each row when (new.status in ('completed', 'failed', 'cancelled') and new.event_id is not null)
  execute function conduit_bench_notify_done();`;

/** Watches for the runs of one workflow to finish, through LISTEN/NOTIFY on the stack's database. */
export class CompletionObserver {
  private readonly waiting = new Map<string, Waiter>();
  /** Runs that finished before anyone waited for them (a fast run can beat the bench's `wait`). */
  private readonly early = new Map<string, Completion>();
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly client: pg.Client,
    private readonly workflowId: string,
  ) {
    client.on('notification', (n) => this.onDone(n.payload ?? ''));
    client.on('error', (e) => this.failAll(e));
    this.timer = setInterval(() => this.expire(), 100);
  }

  static async open(databaseUrl: string, workflowId: string): Promise<CompletionObserver> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(INSTALL);
    await client.query(`listen ${CHANNEL}`);
    return new CompletionObserver(client, workflowId);
  }

  /** Resolves when the run caused by `eventId` has finished (any terminal status). */
  wait(eventId: string, timeoutMs = 60_000): Promise<Completion> {
    const done = this.early.get(eventId);
    if (done) {
      this.early.delete(eventId);
      return Promise.resolve(done);
    }
    return new Promise((resolve, reject) => this.waiting.set(eventId, { resolve, reject, until: Date.now() + timeoutMs }));
  }

  private onDone(payload: string): void {
    const [workflowId, eventId, status] = payload.split(' ');
    if (workflowId !== this.workflowId || !eventId || !status) return;
    const done = { status, observedAt: nowMs() };
    const w = this.waiting.get(eventId);
    if (w) {
      this.waiting.delete(eventId);
      w.resolve(done);
    } else this.early.set(eventId, done);
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, w] of this.waiting) {
      if (now > w.until) {
        w.reject(new Error(`run for event ${id} did not finish in time`));
        this.waiting.delete(id);
      }
    }
    // Bounded: completions nobody waited for (other tests' runs of this workflow) are dropped in bulk.
    if (this.early.size > 10_000) this.early.clear();
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.failAll(new Error('observer closed'));
    await this.client.end().catch(() => {});
  }
}
