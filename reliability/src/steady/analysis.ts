/** Pure arithmetic of the steady-state run: growth after warm-up, latency per minute, trend. */

export type Point = { at: number; value: number };

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/**
 * Growth of a sampled quantity after warm-up: the median of the first window after warm-up
 * against the median of the last window (medians, so one sample caught mid-allocation does not
 * decide). Relative (0.05 = 5 %) and absolute.
 */
export function growthAfterWarmup(points: Point[], o: { start: number; warmupMs: number; windowMs: number }) {
  const after = points.filter((p) => p.at >= o.start + o.warmupMs);
  if (after.length < 2) return { baseline: Number.NaN, final: Number.NaN, growth: Number.NaN, delta: Number.NaN };
  const first = after[0]!.at;
  const last = after[after.length - 1]!.at;
  const baseline = median(after.filter((p) => p.at <= first + o.windowMs).map((p) => p.value));
  const final = median(after.filter((p) => p.at >= last - o.windowMs).map((p) => p.value));
  return { baseline, final, growth: (final - baseline) / baseline, delta: final - baseline };
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two points. */
export function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export type MinuteRow = { minute: number; events: number; p50: number; p95: number; p99: number };

/** Latencies (by the moment their request was sent) grouped per minute since `start`. */
export function perMinute(latencies: Array<{ at: number; ms: number }>, start: number): MinuteRow[] {
  const byMinute = new Map<number, number[]>();
  for (const l of latencies) {
    const m = Math.floor((l.at - start) / 60_000);
    byMinute.set(m, [...(byMinute.get(m) ?? []), l.ms]);
  }
  return [...byMinute.entries()]
    .sort(([a], [b]) => a - b)
    .map(([minute, xs]) => ({ minute, events: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99) }));
}

/**
 * The latency trend after warm-up: the slope of each minute's median (ms per minute) and the rise
 * it predicts over the measured span, against the span's median.
 */
export function latencyTrend(rows: MinuteRow[], warmupMinutes: number) {
  const after = rows.filter((r) => r.minute >= warmupMinutes && r.events > 0);
  const perMinuteMs = slope(after.map((r) => ({ x: r.minute, y: r.p50 })));
  const span = after.length > 1 ? after[after.length - 1]!.minute - after[0]!.minute : 0;
  const level = median(after.map((r) => r.p50));
  return { slopeMsPerMinute: perMinuteMs, riseMs: perMinuteMs * span, level, rise: level > 0 ? (perMinuteMs * span) / level : 0, minutes: after.length };
}
