/**
 * Failed-login limiter per (email, client address): a fixed window counter kept in memory. On
 * Lambda each warm instance counts on its own, which still bounds guessing per instance; the
 * memory-hard hash bounds the rest.
 */
export type LoginLimiter = {
  /** Seconds to wait, or 0 when an attempt is allowed. */
  check(key: string): number;
  fail(key: string): void;
  reset(key: string): void;
};

export function createLoginLimiter(opts: { attempts: number; windowMs: number }, clock: () => number = Date.now, maxKeys = 50_000): LoginLimiter {
  const hits = new Map<string, { count: number; until: number }>();
  const live = (key: string) => {
    const h = hits.get(key);
    if (h && h.until <= clock()) {
      hits.delete(key);
      return undefined;
    }
    return h;
  };
  return {
    check(key) {
      const h = live(key);
      return h && h.count >= opts.attempts ? Math.max(1, Math.ceil((h.until - clock()) / 1000)) : 0;
    },
    fail(key) {
      const h = live(key);
      if (h) h.count++;
      else {
        // Oldest entries go first when the table is full (Map keeps insertion order).
        if (hits.size >= maxKeys) hits.delete(hits.keys().next().value!);
        hits.set(key, { count: 1, until: clock() + opts.windowMs });
      }
    },
    reset(key) {
      hits.delete(key);
    },
  };
}
