import { Deadline } from '../bounded';

export type ClosedLoopSpec = {
  concurrency: number;
  /** Stop starting new attempts after this long (in-flight ones finish). */
  durationSec: number;
  /** And after this many attempts in all. */
  maxAttempts: number;
  /** One request → its completion; resolves with the latency in ms, throws on any failure. */
  attempt: (index: number) => Promise<number>;
};

export type ClosedLoopResult = {
  concurrency: number;
  latenciesMs: number[];
  ok: number;
  errors: number;
  firstErrors: string[];
  elapsedSec: number;
  okPerSec: number;
};

/**
 * `concurrency` clients, each sending its next request only when the previous one completed.
 * At high concurrency this holds the system at saturation without piling up a backlog.
 */
export async function closedLoop(spec: ClosedLoopSpec): Promise<ClosedLoopResult> {
  const deadline = new Deadline('closed loop', spec.durationSec * 1_000);
  const latencies: number[] = [];
  const firstErrors: string[] = [];
  let errors = 0;
  let started = 0;
  const t0 = performance.now();
  const client = async () => {
    while (!deadline.passed && started < spec.maxAttempts) {
      const i = started++;
      try {
        latencies.push(await spec.attempt(i));
      } catch (e) {
        errors++;
        if (firstErrors.length < 3) firstErrors.push((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, client));
  const elapsedSec = (performance.now() - t0) / 1_000;
  return {
    concurrency: spec.concurrency,
    latenciesMs: latencies,
    ok: latencies.length,
    errors,
    firstErrors,
    elapsedSec,
    okPerSec: latencies.length / elapsedSec,
  };
}
