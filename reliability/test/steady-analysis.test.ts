import { describe, expect, it } from 'vitest';
import { growthAfterWarmup, latencyTrend, perMinute, slope } from '../src/steady/analysis';

/** The steady-state command's arithmetic (the long run itself is a documented command, not a test). */
describe('steady-state analysis', () => {
  const start = 1_000_000;
  const minute = 60_000;

  it('growth compares the first window after warm-up with the last, by medians, ignoring the warm-up', () => {
    // Warm-up climbs from 50 to 100, then flat at 100 with one spike: no growth.
    const flat = Array.from({ length: 60 }, (_, i) => ({ at: start + i * 10_000, value: i < 30 ? 50 + i * 2 : i === 45 ? 500 : 100 }));
    const g = growthAfterWarmup(flat, { start, warmupMs: 5 * minute, windowMs: minute });
    expect(g.baseline).toBe(100);
    expect(g.final).toBe(100);
    expect(g.growth).toBe(0);
    // A leak: +1 per sample after warm-up, 30 samples → about 30 % over the run.
    const leak = flat.map((p, i) => ({ at: p.at, value: i < 30 ? p.value : 100 + (i - 30) }));
    const l = growthAfterWarmup(leak, { start, warmupMs: 5 * minute, windowMs: minute });
    expect(l.growth).toBeGreaterThan(0.2);
    expect(l.growth).toBeLessThan(0.3);
  });

  it('latency per minute and its trend: a flat run has no slope, a rising one is measured', () => {
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2);
    const flat = Array.from({ length: 600 }, (_, i) => ({ at: start + i * 1_000, ms: 100 + (i % 7) }));
    const rows = perMinute(flat, start);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatchObject({ minute: 0, events: 60 });
    expect(latencyTrend(rows, 2).slopeMsPerMinute).toBeCloseTo(0);
    const rising = flat.map((l) => ({ ...l, ms: l.ms + ((l.at - start) / minute) * 20 }));
    const t = latencyTrend(perMinute(rising, start), 2);
    expect(t.slopeMsPerMinute).toBeCloseTo(20, 0);
    expect(t.rise).toBeGreaterThan(0.5);
  });
});
