/**
 * Sharing one capacity between workspaces: waiting items are served round-robin across workspaces
 * (first in, first out within one), so a burst from one workspace never holds another's item behind
 * it; the other waits at most one item per busy workspace. A lone workspace still takes every turn.
 */
export function createFairBacklog<T extends { workspaceId: string }>() {
  const byWorkspace = new Map<string, T[]>();
  /** Workspaces with waiting items, in the order they are served next. */
  const turn: string[] = [];
  let size = 0;
  return {
    get size() {
      return size;
    },
    /**
     * Adds an item; when `limit` items wait already, the newest item of the workspace with the most
     * waiting is dropped instead (returned, for the caller to leave to a later pass), so a full
     * backlog stays open to quiet workspaces.
     */
    push(item: T, limit = Number.POSITIVE_INFINITY): T | null {
      let dropped: T | null = null;
      if (size >= limit) {
        let largest = item.workspaceId;
        for (const [ws, waiting] of byWorkspace) if (waiting.length > (byWorkspace.get(largest)?.length ?? 0)) largest = ws;
        if (largest === item.workspaceId) return item;
        const theirs = byWorkspace.get(largest)!;
        dropped = theirs.pop()!;
        size--;
        if (theirs.length === 0) {
          byWorkspace.delete(largest);
          turn.splice(turn.indexOf(largest), 1);
        }
      }
      const waiting = byWorkspace.get(item.workspaceId);
      if (waiting) waiting.push(item);
      else {
        byWorkspace.set(item.workspaceId, [item]);
        turn.push(item.workspaceId);
      }
      size++;
      return dropped;
    },
    take(): T | undefined {
      const ws = turn.shift();
      if (ws === undefined) return undefined;
      const waiting = byWorkspace.get(ws)!;
      const item = waiting.shift()!;
      if (waiting.length > 0) turn.push(ws);
      else byWorkspace.delete(ws);
      size--;
      return item;
    },
    clear() {
      byWorkspace.clear();
      turn.length = 0;
      size = 0;
    },
  };
}

export type FairGate = {
  /**
   * Runs `fn` once one of the gate's places is free, taking turns with other workspaces' waiters.
   * `urgent`: a person waits for it (a manual or test run); it goes ahead of every routine waiter.
   */
  run<R>(workspaceId: string, fn: () => Promise<R>, opts?: { urgent?: boolean }): Promise<R>;
  /** Calls running and waiting now (tests, metrics). */
  readonly active: number;
  readonly waiting: number;
};

/** Calls in flight per workspace: who is idle, for the spare place. */
export function createInFlight() {
  const byWorkspace = new Map<string, number>();
  return {
    of: (workspaceId: string) => byWorkspace.get(workspaceId) ?? 0,
    add(workspaceId: string) {
      byWorkspace.set(workspaceId, (byWorkspace.get(workspaceId) ?? 0) + 1);
    },
    remove(workspaceId: string) {
      const n = (byWorkspace.get(workspaceId) ?? 1) - 1;
      if (n > 0) byWorkspace.set(workspaceId, n);
      else byWorkspace.delete(workspaceId);
    },
  };
}

/**
 * At most `limit` calls at once, the waiting ones admitted round-robin across workspaces. In front
 * of a first-in, first-out resource (Temporal's persistence, a connection pool) it keeps that
 * resource's own queue short, so the waiting happens here, where it is fair. One spare place beyond
 * the limit is kept for a workspace with nothing in flight: a quiet workspace's call goes at once
 * instead of waiting for a busy one's call to end.
 */
export function createFairGate(limit: number): FairGate {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`a fair gate needs at least one place, got ${limit}`);
  type Waiter = { workspaceId: string; go: () => void };
  const urgent = createFairBacklog<Waiter>();
  const routine = createFairBacklog<Waiter>();
  const inFlight = createInFlight();
  let active = 0;
  const admit = (workspaceId: string) => {
    active++;
    inFlight.add(workspaceId);
  };
  const release = (workspaceId: string) => {
    active--;
    inFlight.remove(workspaceId);
    // Only below the limit: a freed spare place stays spare.
    while (active < limit) {
      const next = urgent.take() ?? routine.take();
      if (!next) break;
      admit(next.workspaceId);
      next.go();
    }
  };
  return {
    async run(workspaceId, fn, opts) {
      const waiting = urgent.size + routine.size;
      if ((active < limit && waiting === 0) || (active < limit + 1 && inFlight.of(workspaceId) === 0)) admit(workspaceId);
      else await new Promise<void>((go) => (opts?.urgent ? urgent : routine).push({ workspaceId, go }));
      try {
        return await fn();
      } finally {
        release(workspaceId);
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return urgent.size + routine.size;
    },
  };
}
