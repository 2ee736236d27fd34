import { and, eq, inArray } from 'drizzle-orm';
import { ROOT_CAUSATION, type WebhookTriggerPayload } from '@conduit/core/definition';
import { events, type Db } from '@conduit/core/db';

export type WebhookEventInput = {
  workspaceId: string;
  workflowId: string;
  payload: WebhookTriggerPayload;
  /** "webhook-id:<id>" or "idempotency-key:<key>", scoped by workflow; null when the sender gave none. */
  dedupeKey: string | null;
};
/** `duplicate`: an event with the same dedupe key existed; its id is returned and nothing was stored. */
export type WrittenEvent = { id: string; workspaceId: string; duplicate: boolean };

type Pending = { row: WebhookEventInput & { id: string }; resolve: (w: WrittenEvent) => void; reject: (e: unknown) => void };

/**
 * Group commit: concurrent requests are inserted together in one INSERT (one round trip, one WAL
 * flush), yet each caller's promise resolves only after the statement that holds its row has
 * committed. With no load a batch is a single row and nothing waits; under load, batches grow
 * while the previous ones are in flight.
 */
export function createEventWriter(db: Db, opts: { maxBatch?: number; maxInFlight?: number } = {}) {
  const maxBatch = opts.maxBatch ?? 256;
  const maxInFlight = opts.maxInFlight ?? 4;
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
      const inserted = await db
        .insert(events)
        .values(
          batch.map(({ row }) => ({
            id: row.id,
            workspaceId: row.workspaceId,
            source: 'webhook' as const,
            type: 'webhook.received',
            workflowId: row.workflowId,
            payload: row.payload,
            causation: ROOT_CAUSATION,
            dedupeKey: row.dedupeKey,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: events.id });
      const stored = new Set(inserted.map((r) => r.id));
      const clashes = batch.filter((p) => !stored.has(p.row.id));
      const existing = new Map<string, string>();
      if (clashes.length > 0) {
        // Group per workspace: the dedupe key is unique per workspace.
        const byWorkspace = new Map<string, string[]>();
        for (const p of clashes) if (p.row.dedupeKey) byWorkspace.set(p.row.workspaceId, [...(byWorkspace.get(p.row.workspaceId) ?? []), p.row.dedupeKey]);
        for (const [workspaceId, keys] of byWorkspace) {
          const rows = await db
            .select({ id: events.id, dedupeKey: events.dedupeKey })
            .from(events)
            .where(and(eq(events.workspaceId, workspaceId), inArray(events.dedupeKey, keys)));
          for (const r of rows) if (r.dedupeKey) existing.set(`${workspaceId}\u0000${r.dedupeKey}`, r.id);
        }
      }
      for (const p of batch) {
        if (stored.has(p.row.id)) p.resolve({ id: p.row.id, workspaceId: p.row.workspaceId, duplicate: false });
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
      return new Promise<WrittenEvent>((resolve, reject) => {
        pending.push({ row: { ...input, id: crypto.randomUUID() }, resolve, reject });
        pump();
      });
    },
  };
}
export type EventWriter = ReturnType<typeof createEventWriter>;
