import { Worker } from 'node:worker_threads';
import type { Json } from '@conduit/core/definition';

const SANDBOX_LIMITS = {
  /** Largest JSON result a script may return. */
  maxOutputBytes: 256 * 1024,
  maxLogLines: 200,
  maxLogLineChars: 2_000,
  /** Wall-clock grace beyond the CPU limit before the thread is terminated outright. */
  hardKillGraceMs: 1_000,
} as const;

export type ScriptRun = { code: string; input: Json; memoryMb: number; cpuMs: number; signal?: AbortSignal };
export type ScriptResult =
  | { ok: true; value: Json; logs: string[]; durationMs: number }
  | { ok: false; error: string; line: number | null; logs: string[]; durationMs: number };

type Job = ScriptRun & { id: number; resolve: (r: ScriptResult) => void };
type Slot = { worker: Worker; ready: Promise<void>; job: Job | null; timer: NodeJS.Timeout | null };

const THREAD_URL = new URL('./sandbox-thread.mjs', import.meta.url);

/**
 * A small pool of threads, each with a warm QuickJS module, so a script call costs a fresh QuickJS
 * runtime (about a millisecond) plus a message. A script that wedges its thread past the CPU limit
 * (or whose step is cancelled) gets the thread terminated and replaced; the worker never blocks.
 */
export class ScriptSandbox {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly size = 2) {}

  /**
   * Starts one thread and loads QuickJS; call at worker start so the first script is fast. The
   * others start with the first script: each thread holds about 25 MiB, idle until scripts run.
   */
  async warm(): Promise<void> {
    if (this.slots.length === 0) this.slots.push(this.spawn());
    await Promise.all(this.slots.map((s) => s.ready));
  }

  run(run: ScriptRun): Promise<ScriptResult> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'sandbox is shut down', line: null, logs: [], durationMs: 0 });
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    return new Promise((resolve) => {
      const onAbort = () => this.abort(job);
      const job: Job = {
        ...run,
        id: this.nextId++,
        resolve: (r) => {
          run.signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
      };
      if (run.signal?.aborted) {
        job.resolve({ ok: false, error: 'script cancelled', line: null, logs: [], durationMs: 0 });
        return;
      }
      run.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.resolve({ ok: false, error: 'sandbox is shut down', line: null, logs: [], durationMs: 0 });
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }

  private spawn(): Slot {
    const worker = new Worker(THREAD_URL, { resourceLimits: { maxOldGenerationSizeMb: 512 } });
    worker.unref();
    let markReady!: () => void;
    const slot: Slot = { worker, ready: new Promise<void>((r) => (markReady = r)), job: null, timer: null };
    worker.on('message', (msg: { ready?: true; id?: number; result?: ScriptResult }) => {
      if (msg.ready) {
        markReady();
        this.pump();
        return;
      }
      const job = slot.job;
      if (!job || msg.id !== job.id || !msg.result) return;
      this.release(slot);
      job.resolve(msg.result);
      this.pump();
    });
    worker.on('error', () => this.recycle(slot, 'the sandbox thread crashed'));
    worker.on('exit', () => this.recycle(slot, 'the sandbox thread exited'));
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      void slot.ready.then(() => {
        if (slot.job !== job) return;
        slot.timer = setTimeout(() => this.recycle(slot, `script exceeded its CPU time limit of ${job.cpuMs} ms`), job.cpuMs + SANDBOX_LIMITS.hardKillGraceMs);
        slot.worker.postMessage({
          id: job.id,
          code: job.code,
          input: job.input,
          memoryMb: job.memoryMb,
          cpuMs: job.cpuMs,
          maxOutputBytes: SANDBOX_LIMITS.maxOutputBytes,
          maxLogLines: SANDBOX_LIMITS.maxLogLines,
          maxLogLineChars: SANDBOX_LIMITS.maxLogLineChars,
        });
      });
    }
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
  }

  private abort(job: Job): void {
    const slot = this.slots.find((s) => s.job === job);
    if (slot) this.recycle(slot, 'script cancelled');
    else {
      const i = this.queue.indexOf(job);
      if (i >= 0) {
        this.queue.splice(i, 1);
        job.resolve({ ok: false, error: 'script cancelled', line: null, logs: [], durationMs: 0 });
      }
    }
  }

  /** Ends a wedged or crashed thread, answers its job, and starts a replacement. */
  private recycle(slot: Slot, reason: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const job = slot.job;
    this.release(slot);
    this.slots.splice(i, 1);
    slot.worker.removeAllListeners('exit');
    void slot.worker.terminate();
    job?.resolve({ ok: false, error: reason, line: null, logs: [], durationMs: job.cpuMs });
    if (!this.closed) this.slots.push(this.spawn());
    this.pump();
  }
}
