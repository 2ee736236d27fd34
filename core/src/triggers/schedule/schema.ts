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

const FIELDS = ['minute', 'hour', 'day of the month', 'month', 'weekday'] as const;
const RANGES: Record<string, [name: (typeof FIELDS)[number], range: string]> = {
  minute: ['minute', '0–59'],
  hour: ['hour', '0–23'],
  day: ['day of the month', '1–31'],
  month: ['month', '1–12 or JAN–DEC'],
  dayOfWeek: ['weekday', '0–7 or SUN–SAT'],
};

/** croner's refusal in words for people, naming the field as written (its messages name internals). */
function cronerInWords(message: string, parts: string[]): string {
  const part = (name: string) => parts[FIELDS.indexOf(name as (typeof FIELDS)[number])] ?? '';
  const range = /Invalid value for (\w+)/.exec(message);
  if (range && RANGES[range[1]!]) {
    const [name, allowed] = RANGES[range[1]!]!;
    return `the ${name} "${part(name)}" is out of range (${allowed})`;
  }
  const entry = /configuration entry (\d+)/.exec(message);
  if (entry && /illegal characters/.test(message)) {
    const name = FIELDS[Number(entry[1]) - 1] ?? 'a field';
    return `the ${name} "${part(name)}" has characters a cron field does not take (numbers, *, ranges a-b, lists a,b and steps */n)`;
  }
  if (/illegal stepping/.test(message)) return 'a step (/n) must be 1 or more';
  if (/From value is larger/.test(message)) {
    const r = /'(.+)'/.exec(message)?.[1];
    return `${r ? `the range ${r}` : 'a range'} runs backwards; put the smaller value first`;
  }
  if (/illegal upper range|illegal lower range/.test(message)) return 'a range (a-b) is missing one of its ends';
  if (/is empty/.test(message)) return 'a list (a,b) has an empty item';
  return message.replace(/^CronPattern:\s*/, '');
}

/** Returns why a cron expression is invalid (in words for people), or undefined when it is fine. */
export function cronError(expr: string): string | undefined {
  if (expr.trim() === '') return 'enter five fields: minute hour day-of-month month weekday (e.g. 0 9 * * 1-5)';
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return `a cron expression has 5 fields (minute hour day-of-month month weekday); this one has ${parts.length}`;
  let cron: Cron;
  try {
    cron = new Cron(expr, { paused: true });
  } catch (e) {
    return cronerInWords(e instanceof Error ? e.message : String(e), parts);
  }
  // 31 February, 31 April: accepted by the syntax, never on the calendar (29 February is, every 4 years).
  if (cron.nextRun() === null) return 'this schedule never fires: that day does not exist in that month';
  return undefined;
}

export const ScheduleTriggerSchema = z.object({
  type: z.literal('schedule'),
  cron: z.string().superRefine((v, ctx) => {
    const err = cronError(v);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  }),
  timezone: z.string().default('UTC').refine(isValidTimeZone, 'unknown time zone; use an IANA name such as "Europe/Paris"'),
});

export type ScheduleTrigger = z.infer<typeof ScheduleTriggerSchema>;
