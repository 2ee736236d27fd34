/**
 * Durations ("30s", "15m", "2d", "1h30m", "500ms"). Zod-free on purpose: the Temporal workflow bundle
 * imports this, and every module in that bundle is evaluated again for every run.
 */
export const DURATION_PATTERN = /^(\d+(ms|s|m|h|d|w))+$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export function parseDuration(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) {
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  }
  return total;
}

export const MAX_WAIT_MS = 366 * UNIT_MS.d;
