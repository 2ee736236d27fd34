import type { WebhookTriggerPayload } from '@conduit/core/definition';
import type { Db } from '@conduit/core/db';
import { eventsByDedupeKeys, insertWebhookEvents, jsonHasUnstorable, storedEventIds } from '@conduit/core/domain';

export type WebhookEventInput = {
  workspaceId: string;
  workflowId: string;
  payload: WebhookTriggerPayload;
  /** "webhook-id:<id>" or "idempotency-key:<key>", scoped by workflow; null when the sender gave none. */
  dedupeKey: string | null;
};
/** `duplicate`: an event with the same dedupe key existed; its id is returned and nothing was stored. */
export type WrittenEvent = { id: string; workspaceId: string; duplicate: boolean };

type Pending = { row: WebhookEventInput & { id: string }; json: string; resolve: (w: WrittenEvent) => void; reject: (e: unknown) => void };

/**
 * Group commit: concurrent requests are inserted together in one INSERT (one round trip, one WAL
 * flush), yet each caller's promise resolves only after the statement that holds its row has
 * committed. With no load a batch is a single row and nothing waits; under load, batches grow
 * while the previous ones are in flight.
 */
export function createEventWriter(db: Db, opts: { maxBatch?: number; maxInFlight?: number } = {}) {
  const maxBatch = opts.maxBatch ?? 256;
  // Two statements in flight: one commits while the next batch fills. More only adds statements
  // (each with its own commit) for PostgreSQL to run on the same cores, and lowers throughput.
  const maxInFlight = opts.maxInFlight ?? 2;
  let pending: Pending[] = [];
  let inFlight = 0;

  const pump = () => {
    while (inFlight < maxInFlight && pending.length > 0) {
      const batch = pending.length <= maxBatch ? pending : pending.slice(0, maxBatch);
      pending = pending.length <= maxBatch ? [] : pending.slice(maxBatch);
      inFlight++;
      void flush(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  async function flush(batch: Pending[]) {
    try {
      const rows = `[${batch.map((p) => p.json).join(',')}]`;
      const inserted = await insertWebhookEvents(db, rows);
      // Only a dedupe-key clash skips a row (ids are fresh UUIDs): find out which, in the rare batch that had one.
      const stored =
        inserted === batch.length
          ? null
          : await storedEventIds(
              db,
              batch.map((p) => p.row.id),
            );
      const clashes = stored ? batch.filter((p) => !stored.has(p.row.id)) : [];
      const existing = new Map<string, string>();
      if (clashes.length > 0) {
        // Group per workspace: the dedupe key is unique per workspace.
        const byWorkspace = new Map<string, string[]>();
        for (const p of clashes) if (p.row.dedupeKey) byWorkspace.set(p.row.workspaceId, [...(byWorkspace.get(p.row.workspaceId) ?? []), p.row.dedupeKey]);
        for (const [workspaceId, keys] of byWorkspace) {
          const rows = await eventsByDedupeKeys(db, workspaceId, keys);
          for (const r of rows) if (r.dedupeKey) existing.set(`${workspaceId}\u0000${r.dedupeKey}`, r.id);
        }
      }
      for (const p of batch) {
        if (!stored || stored.has(p.row.id)) p.resolve({ id: p.row.id, workspaceId: p.row.workspaceId, duplicate: false });
        else {
          const id = p.row.dedupeKey ? existing.get(`${p.row.workspaceId}\u0000${p.row.dedupeKey}`) : undefined;
          if (id) p.resolve({ id, workspaceId: p.row.workspaceId, duplicate: true });
          else p.reject(new Error('event insert conflicted but the first event was not found'));
        }
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  return {
    write(input: WebhookEventInput): Promise<WrittenEvent> {
      const row = { ...input, id: crypto.randomUUID() };
      const json = JSON.stringify({ id: row.id, workspace_id: row.workspaceId, workflow_id: row.workflowId, payload: row.payload, dedupe_key: row.dedupeKey });
      // jsonb refuses these; refuse this one request rather than fail its whole batch.
      if (jsonHasUnstorable(json)) {
        return Promise.reject(
          new UnstorableEventError(
            'the payload contains text that cannot be stored: a NUL character (\\u0000) or an unpaired UTF-16 surrogate (\\ud800–\\udfff)',
          ),
        );
      }
      return new Promise<WrittenEvent>((resolve, reject) => {
        pending.push({ row, json, resolve, reject });
        pump();
      });
    },
  };
}
export type EventWriter = ReturnType<typeof createEventWriter>;

/** The request itself is at fault (answered 400), not the database. */
export class UnstorableEventError extends Error {}
