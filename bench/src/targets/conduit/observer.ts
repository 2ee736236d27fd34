import pg from 'pg';

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

/** One trigger payload, "<workflow id> <event id> <status> <record id or ->". */
export type RunDone = { workflowId: string; eventId: string; status: string; recordId: string | null };
/** The runs a key's waiter counted have all ended: when the last was heard, its status, and how many did not complete. */
export type RunsEnded = Completion & { notCompleted: number };

/** Runs of one workflow, by the event that caused each (scenario 2's closed loop). */
export const byEvent =
  (workflowId: string) =>
  (r: RunDone): string | null =>
    r.workflowId === workflowId ? r.eventId : null;
/** Runs of any workflow, by the record whose change caused them (the record scenarios, fan-out). */
export const byRecord = (r: RunDone): string | null => r.recordId;

type Waiter = { expected: number; resolve: (r: RunsEnded) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
type Heard = { count: number; notCompleted: number; status: string };

/**
 * Runs heard ending through the completion trigger, counted per key (an event, a record), and
 * whoever waits for a number of them. Fed by whichever channel carries the payloads: a LISTEN
 * connection to PostgreSQL, or the embedded stack's output lines. Runs heard before anyone waited
 * are kept, since a fast run can beat the bench's own `wait`.
 */
export class RunEndings implements Completions {
  private readonly heard = new Map<string, Heard>();
  private readonly waiting = new Map<string, Waiter>();

  constructor(
    private readonly keyOf: (r: RunDone) => string | null,
    private end: () => Promise<void> = async () => {},
  ) {}

  /** Keyed runs of the stack's database, heard through LISTEN/NOTIFY. */
  static async open(databaseUrl: string, keyOf: (r: RunDone) => string | null): Promise<RunEndings> {
    const o = new RunEndings(keyOf);
    o.end = await listenForRunsDone(
      databaseUrl,
      (p) => o.onDone(p),
      (e) => o.failAll(e),
    );
    return o;
  }

  /**
   * Resolves once `expected` runs of `key` have ended. Call it before the change is sent, so a run
   * quicker than the caller is not missed; `cancel` it if the change could not be sent.
   */
  until(key: string, expected: number, timeoutMs: number): Promise<RunsEnded> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`${expected} run(s) of ${key} did not end within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, { expected, resolve, reject, timer });
      this.settle(key);
    });
  }

  /** Resolves when the one run caused by `eventId` has finished (any terminal status). */
  wait(eventId: string, timeoutMs = 60_000): Promise<Completion> {
    return this.until(eventId, 1, timeoutMs);
  }

  cancel(key: string): void {
    const w = this.waiting.get(key);
    if (w) clearTimeout(w.timer);
    this.waiting.delete(key);
    this.heard.delete(key);
  }

  onDone(payload: string): void {
    const [workflowId, eventId, status, record] = payload.split(' ');
    if (!workflowId || !eventId || !status || !record) return;
    const key = this.keyOf({ workflowId, eventId, status, recordId: record === '-' ? null : record });
    if (key === null) return;
    // Bounded: runs nobody waits for (other tests' runs of the workflow) are dropped in bulk.
    if (this.heard.size > 10_000) this.heard.clear();
    const seen = this.heard.get(key) ?? { count: 0, notCompleted: 0, status };
    seen.count++;
    seen.status = status;
    if (status !== 'completed') seen.notCompleted++;
    this.heard.set(key, seen);
    this.settle(key);
  }

  private settle(key: string): void {
    const w = this.waiting.get(key);
    const seen = this.heard.get(key);
    if (!w || !seen || seen.count < w.expected) return;
    clearTimeout(w.timer);
    this.waiting.delete(key);
    this.heard.delete(key);
    w.resolve({ observedAt: nowMs(), status: seen.status, notCompleted: seen.notCompleted });
  }

  failAll(e: Error): void {
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
export function openCompletionObserver(databaseUrl: string, workflowId: string): Promise<Completions> {
  return RunEndings.open(databaseUrl, byEvent(workflowId));
}
