import { Cron } from 'croner';

/** The next `count` fire times of a cron expression in an IANA zone, as UTC instants (DST-correct via croner). */
export function nextFireTimes(cron: string, timezone: string, count = 5, from: Date = new Date()): Date[] {
  const job = new Cron(cron, { timezone, paused: true });
  return job.nextRuns(count, from);
}
