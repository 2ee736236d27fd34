/**
 * A token bucket per key, in memory (per process: each ingress instance limits on its own). The
 * rate may be given per call, for keys whose limit is a setting (a workspace's events per second).
 */
export function createRateLimiter(o: { perSecond: number; burst: number; maxKeys?: number }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxKeys = o.maxKeys ?? 50_000;
  return {
    /** 0 when allowed; otherwise the seconds to wait before a token is available. */
    take(key: string, now = Date.now(), rate: { perSecond: number; burst: number } = o): number {
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxKeys) buckets.clear();
        b = { tokens: rate.burst, at: now };
        buckets.set(key, b);
      }
      b.tokens = Math.min(rate.burst, b.tokens + ((now - b.at) / 1000) * rate.perSecond);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / rate.perSecond));
    },
  };
}
