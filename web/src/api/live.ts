import { QueryClient, useInfiniteQuery, useQuery } from '@tanstack/solid-query';

/**
 * Live lists (events, refused calls, records, objects): one query cache for the app, polled while
 * the page is visible and refetched when the window regains focus. Imported only by lazy pages, so
 * the cache library stays out of the first load.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A list is fresh for a second: pages opened together share one request.
      staleTime: 1_000,
      refetchOnWindowFocus: true,
      // Polling stops in a hidden tab (refetchIntervalInBackground is false).
      retry: 1,
    },
  },
});

/** How often a live list asks again while it is on screen. */
export const LIVE_MS = { events: 3_000, refusals: 5_000, records: 3_000, objects: 15_000 } as const;

/** Query keys, one home: a mutation invalidates by the same prefix the list was fetched under. */
export const keys = {
  events: (ws: string, filters: Record<string, string | undefined>) => ['events', ws, filters] as const,
  event: (ws: string, id: string) => ['event', ws, id] as const,
  refusals: (ws: string, workflowId?: string) => ['hook-refusals', ws, workflowId ?? null] as const,
  records: (ws: string, object: string) => ['records', ws, object] as const,
  objects: (ws: string) => ['objects', ws] as const,
};

export const liveQuery: typeof useQuery = ((options: Parameters<typeof useQuery>[0]) => useQuery(options, () => queryClient)) as typeof useQuery;
export const liveInfiniteQuery: typeof useInfiniteQuery = ((options: Parameters<typeof useInfiniteQuery>[0]) =>
  useInfiniteQuery(options, () => queryClient)) as typeof useInfiniteQuery;

/** After a change the page made itself: fetch the lists under this key prefix now, not at the next tick. */
export const refreshNow = (prefix: readonly unknown[]) => queryClient.invalidateQueries({ queryKey: prefix });
