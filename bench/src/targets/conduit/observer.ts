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
 * commit notifies the channel with "<workflow id> <event id> <status> <record id or ->". Observing costs the system
 * one pg_notify per run instead of a query every few milliseconds (issue 21: completion observed
 * without costing the system under test).
 */
export const INSTALL_RUN_DONE_TRIGGER = `
create or replace function conduit_bench_notify_done() returns trigger language plpgsql as $$
begin
  perform pg_notify('${RUN_DONE_CHANNEL}', new.workflow_id::text || ' ' || new.event_id::text || ' ' || new.status || ' ' || coalesce(new.record_id, '-'));
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

  /** One trigger payload, "<workflow id> <event id> <status> <record id>", seen now. */
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

/** A LISTEN connection to the stack's database with the completion trigger installed; `end` closes it. */
async function listenForRunsDone(databaseUrl: string, onDone: (payload: string) => void, onError: (e: Error) => void): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(INSTALL_RUN_DONE_TRIGGER);
  await client.query(`listen ${RUN_DONE_CHANNEL}`);
  client.on('notification', (n) => onDone(n.payload ?? ''));
  client.on('error', onError);
  return () => client.end().catch(() => {});
}

/** Watches for the runs of one workflow to finish, through LISTEN/NOTIFY on the stack's PostgreSQL database. */
export async function openCompletionObserver(databaseUrl: string, workflowId: string): Promise<Completions> {
  let waiters: CompletionWaiters | undefined;
  const end = await listenForRunsDone(
    databaseUrl,
    (p) => waiters?.onDone(p),
    (e) => waiters?.failAll(e),
  );
  waiters = new CompletionWaiters(workflowId, end);
  return waiters;
}

type RecordWaiter = { expected: number; resolve: (r: RecordRunsDone) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
/** The runs a record's change caused have all ended: when the last one was heard, and how many did not complete. */
export type RecordRunsDone = { observedAt: number; notCompleted: number };

/**
 * Waits for the runs a record's change causes (every run row names its trigger's record), through
 * the same completion trigger: the record scenarios used to poll the database every few
 * milliseconds for this, and that polling took CPU from the stack it was timing.
 */
export class RecordRunObserver {
  private readonly ended = new Map<string, { count: number; notCompleted: number }>();
  private readonly waiting = new Map<string, RecordWaiter>();

  constructor(private end: () => Promise<void> = async () => {}) {}

  static async open(databaseUrl: string): Promise<RecordRunObserver> {
    const o = new RecordRunObserver();
    o.end = await listenForRunsDone(
      databaseUrl,
      (p) => o.onDone(p),
      (e) => o.failAll(e),
    );
    return o;
  }

  /**
   * Resolves once `expected` runs of `recordId` have ended. Call it before the change is sent, so a
   * run quicker than the caller is not missed; `cancel` it if the change could not be sent.
   */
  until(recordId: string, expected: number, timeoutMs: number): Promise<RecordRunsDone> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(recordId);
        reject(new Error(`${expected} run(s) of record ${recordId} did not end within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(recordId, { expected, resolve, reject, timer });
      this.settle(recordId);
    });
  }

  cancel(recordId: string): void {
    const w = this.waiting.get(recordId);
    if (w) clearTimeout(w.timer);
    this.waiting.delete(recordId);
    this.ended.delete(recordId);
  }

  /** One trigger payload, "<workflow id> <event id> <status> <record id>", seen now. */
  onDone(payload: string): void {
    const [, , status, recordId] = payload.split(' ');
    if (!status || !recordId || recordId === '-') return;
    const seen = this.ended.get(recordId) ?? { count: 0, notCompleted: 0 };
    seen.count++;
    if (status !== 'completed') seen.notCompleted++;
    this.ended.set(recordId, seen);
    this.settle(recordId);
  }

  private settle(recordId: string): void {
    const w = this.waiting.get(recordId);
    const seen = this.ended.get(recordId);
    if (!w || !seen || seen.count < w.expected) return;
    clearTimeout(w.timer);
    this.waiting.delete(recordId);
    this.ended.delete(recordId);
    w.resolve({ observedAt: nowMs(), notCompleted: seen.notCompleted });
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(e);
    }
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.failAll(new Error('observer closed'));
    await this.end();
  }
}
