import type { Db } from '@conduit/core/db';
import type { HookRefusalReason } from '@conduit/core/definition';
import { addHookRefusals, pruneHookRefusals, type HookRefusalCount } from '@conduit/core/domain';
import type { Logger } from '@conduit/core/logging';

const MINUTE = 60_000;
const KEEP_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Counts refused hook calls in memory, per hook, reason and minute, and adds them to the database in
 * one statement every `flushMs` (default 2 s). A refused call therefore costs a map update, not a
 * write: a flood of bad signatures or 429s never turns into a flood of inserts. At most `maxKeys`
 * distinct (hook, reason, minute) counts wait at once; beyond that new ones are dropped (and logged).
 */
export function createRefusalCounter(deps: { db: Db; log?: Logger; flushMs?: number; maxKeys?: number; now?: () => number }) {
  const flushMs = deps.flushMs ?? 2_000;
  const maxKeys = deps.maxKeys ?? 10_000;
  const now = deps.now ?? Date.now;
  let counts = new Map<string, HookRefusalCount>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstNotedAt = 0;
  let flushing: Promise<void> = Promise.resolve();
  let prunedAt = 0;
  let dropped = 0;

  const merge = (c: HookRefusalCount) => {
    const key = `${c.workflowId}|${c.reason}|${c.minute}`;
    const had = counts.get(key);
    if (had) {
      had.count += c.count;
      if (c.lastAt > had.lastAt) had.lastAt = c.lastAt;
    } else if (counts.size < maxKeys) {
      counts.set(key, { ...c });
    } else dropped += c.count;
  };

  async function write(batch: HookRefusalCount[]) {
    try {
      await addHookRefusals(deps.db, batch);
      if (now() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = now();
        await pruneHookRefusals(deps.db, new Date(now() - KEEP_MS));
      }
    } catch (err) {
      // Kept for the next flush (a database blip must not lose them), within maxKeys.
      for (const c of batch) merge(c);
      schedule();
      deps.log?.warn('refused hook calls not counted yet; retrying', { error: err instanceof Error ? err.message : String(err) });
    }
    if (dropped > 0) {
      deps.log?.warn('refused hook calls dropped from the count (too many distinct hooks at once)', { dropped });
      dropped = 0;
    }
  }

  function schedule() {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, flushMs);
    // The timer must not keep a process (or a test) alive on its own.
    timer.unref?.();
  }

  /** Writes what is counted so far; resolves once it is stored (or kept for a retry). */
  function flush(): Promise<void> {
    flushing = flushing.then(() => {
      if (counts.size === 0) return;
      const batch = [...counts.values()];
      counts = new Map();
      firstNotedAt = 0;
      return write(batch);
    });
    return flushing;
  }

  return {
    note(hook: { workflowId: string; workspaceId: string }, reason: HookRefusalReason): void {
      const t = now();
      if (counts.size === 0) firstNotedAt = t;
      merge({
        workflowId: hook.workflowId,
        workspaceId: hook.workspaceId,
        reason,
        minute: new Date(t - (t % MINUTE)).toISOString(),
        count: 1,
        lastAt: new Date(t).toISOString(),
      });
      schedule();
    },
    /** True when counts have waited `flushMs` (a Lambda, frozen between calls, flushes then). */
    due: (): boolean => counts.size > 0 && now() - firstNotedAt >= flushMs,
    flush,
  };
}
export type RefusalCounter = ReturnType<typeof createRefusalCounter>;
