/** A job run every `intervalMs` until stopped; a tick is skipped while the previous one still runs. */
export type Periodic = { stop(): Promise<void> };

export function startPeriodic(run: () => Promise<unknown>, intervalMs: number, onError: (err: unknown) => void, opts: { runAtStart?: boolean } = {}): Periodic {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return;
    running = run()
      .catch(onError)
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref?.();
  if (opts.runAtStart) tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
