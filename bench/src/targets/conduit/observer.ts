import pg from 'pg';

type Waiter = { resolve: (r: Completion) => void; reject: (e: Error) => void; until: number };
export type Completion = { status: string; observedAt: number };

/** Wall-clock time in ms with sub-ms resolution (same clock as PostgreSQL's timestamps on this machine). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export const RUN_DONE_CHANNEL = 'conduit_bench_run_done';
/** The embedded stack's process prints each notification as one line with this prefix (see child.ts). */
export const RUN_DONE_LINE = 'CONDUIT_BENCH_RUN_DONE ';

/*
 * A bench-only trigger on the stack's database: when a run row reaches a terminal status, the
 * commit notifies the channel with "<workflow id> <event id> <status>". Observing costs the system
 * one pg_notify per run instead of a query every few milliseconds (issue 21: completion observed
 * without costing the system under test).
 */
export const INSTALL_RUN_DONE_TRIGGER = `
create or replace function conduit_bench_notify_done() returns trigger language plpgsql as $$
begin
  perform pg_notify('${RUN_DONE_CHANNEL}', new.workflow_id::text || ' ' || new.event_id::text || ' ' || new.status);
  return null;
end $$;
drop trigger if exists conduit_bench_done on workflow_executions;
create trigger conduit_bench_done after insert or update of status on workflow_executions
  for each row when (new.status in ('completed', 'failed', 'cancelled') and new.event_id is not null)
  execute function conduit_bench_notify_done();`;

/** What the bench waits on: the run an event caused has finished. */
export type Completions = { wait(eventId: string, timeoutMs?: number): Promise<Completion>; close(): Promise<void> };

/**
 * Waiters for the runs of one workflow, fed with the trigger's payloads by whichever channel carries
 * them (a LISTEN connection to PostgreSQL, or the embedded stack's output lines).
 */
export class CompletionWaiters implements Completions {
  private readonly waiting = new Map<string, Waiter>();
  /** Runs that finished before anyone waited for them (a fast run can beat the bench's `wait`). */
  private readonly early = new Map<string, Completion>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly workflowId: string,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.timer = setInterval(() => this.expire(), 100);
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

  /** One trigger payload, "<workflow id> <event id> <status>", seen now. */
  onDone(payload: string): void {
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

  failAll(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.failAll(new Error('observer closed'));
    await this.onClose();
  }
}

/** Watches for the runs of one workflow to finish, through LISTEN/NOTIFY on the stack's PostgreSQL database. */
export async function openCompletionObserver(databaseUrl: string, workflowId: string): Promise<Completions> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(INSTALL_RUN_DONE_TRIGGER);
  await client.query(`listen ${RUN_DONE_CHANNEL}`);
  const waiters = new CompletionWaiters(workflowId, () => client.end().catch(() => {}));
  client.on('notification', (n) => waiters.onDone(n.payload ?? ''));
  client.on('error', (e) => waiters.failAll(e));
  return waiters;
}
