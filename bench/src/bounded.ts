/** Every loop in the bench is bounded by a count and a time; this is the time half. */
export class Deadline {
  private readonly end: number;
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    this.end = Date.now() + ms;
  }
  get passed(): boolean {
    return Date.now() >= this.end;
  }
  get remainingMs(): number {
    return Math.max(0, this.end - Date.now());
  }
  check(): void {
    if (this.passed) throw new Error(`${this.what}: gave up after ${this.ms} ms`);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `promise`, or an error naming `what` once `ms` milliseconds have passed without it settling. */
export async function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: gave up after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Thrown by a probe to stop polling at once (the thing polled for can no longer happen). */
export class Fatal extends Error {}

/** Polls `probe` until it returns a value (not undefined), at most `maxTries` times and `ms` milliseconds. */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { ms: number; intervalMs?: number; maxTries?: number },
): Promise<T> {
  const deadline = new Deadline(what, opts.ms);
  const maxTries = opts.maxTries ?? Math.ceil(opts.ms / (opts.intervalMs ?? 10)) + 1;
  let lastError: unknown;
  for (let i = 0; i < maxTries && !deadline.passed; i++) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      lastError = e;
    }
    await sleep(opts.intervalMs ?? 10);
  }
  throw new Error(`${what}: not reached within ${opts.ms} ms${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return out;
}
