import { Cron } from 'croner';
import { z } from 'zod';

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Returns why a cron expression is invalid, or undefined when it is fine. */
export function cronError(expr: string): string | undefined {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return `a cron expression has 5 fields (minute hour day month weekday), got ${parts.length}`;
  try {
    new Cron(expr, { paused: true });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export const ScheduleTriggerSchema = z.object({
  type: z.literal('schedule'),
  cron: z.string().superRefine((v, ctx) => {
    const err = cronError(v);
    if (err) ctx.addIssue({ code: 'custom', message: `invalid cron: ${err}` });
  }),
  timezone: z.string().default('UTC').refine(isValidTimeZone, 'unknown time zone; use an IANA name such as "Europe/Paris"'),
});

export type ScheduleTrigger = z.infer<typeof ScheduleTriggerSchema>;
