import { describe, expect, it } from 'vitest';
import { geomean, median, percentile, summarize } from '../src/stats';

describe('stats', () => {
  it('interpolates percentiles between ranks', () => {
    const v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(median(v)).toBe(55);
    expect(percentile(v, 0)).toBe(10);
    expect(percentile(v, 100)).toBe(100);
    expect(percentile(v, 99)).toBeCloseTo(99.1, 6);
    expect(percentile([5, 1, 3], 50)).toBe(3);
  });

  it('summarizes without being thrown by order or empties', () => {
    expect(summarize([3, 1, 2])).toEqual({ p50: 2, p99: expect.closeTo(2.98, 6), min: 1, max: 3, samples: 3 });
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
  });

  it('averages ratios geometrically, ignoring non-positive ones', () => {
    expect(geomean([2, 8])).toBeCloseTo(4, 10);
    expect(geomean([4, 0, Number.NaN])).toBeCloseTo(4, 10);
    expect(Number.isNaN(geomean([]))).toBe(true);
  });
});
