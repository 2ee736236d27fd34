import { z } from 'zod';

/** Lines the steady-state child prints on stdout for its driver. */
export const READY_LINE = 'STEADY_READY ';
export const SAMPLE_LINE = 'STEADY_SAMPLE ';

export const ReadySchema = z.object({ url: z.string(), hookId: z.string(), gc: z.boolean() });

export const SampleSchema = z.object({
  at: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  externalBytes: z.number(),
  /** process.getActiveResourcesInfo(): timers, sockets, handles the event loop holds. */
  activeResources: z.number(),
  /** Entries of /proc/self/fd. */
  openFds: z.number(),
  /** The Temporal dev server's resident memory (a separate process the stack started). */
  temporalRssBytes: z.number().nullable(),
});
export type Sample = z.infer<typeof SampleSchema>;
