import { z } from 'zod';

const limit = (what: string) =>
  z
    .number()
    .int()
    .nullable()
    .meta({ description: `${what}; null: no limit` });

/** A workspace's limits (set by an operator) and what it uses of them now: Settings → Usage. */
export const WorkspaceUsageDtoSchema = z
  .object({
    limits: z.object({
      eventsPerSecond: limit('webhook events accepted per second (burst: twice this); beyond, 429 with Retry-After'),
      maxConcurrentRuns: limit('runs at once; event-driven runs beyond wait, queued'),
      monthlyRunQuota: limit('runs per calendar month (UTC); admins are mailed at 80 %, runs are refused at 100 %'),
    }),
    month: z.string().meta({ description: 'the quota month, YYYY-MM (UTC)', example: '2026-12' }),
    quotaResetsAt: z.string().meta({ description: 'when the monthly count starts again (ISO 8601)' }),
    runs: z.number().int().meta({ description: 'runs counted toward this month’s quota' }),
    running: z.number().int().meta({ description: 'runs holding a slot now' }),
    queued: z.number().int().meta({ description: 'runs waiting for a free slot' }),
    refusedEvents24h: z.number().int().meta({ description: 'webhook calls refused by the events-per-second limit in the last 24 hours' }),
  })
  .meta({ id: 'WorkspaceUsage' });

export type WorkspaceUsageDto = z.infer<typeof WorkspaceUsageDtoSchema>;
