import { and, desc, eq, gte, ilike, lte, or, sql } from 'drizzle-orm';
import { auditLog, type AuditActorKind } from '../db/schema';
import type { Db, DbOrTx } from '../db/client';
import { afterCursor, cursorAt, pageOf } from './cursor';

/**
 * The audit log: one append-only table and ONE way in, `recordAudit(tx, entry)`, called inside the
 * transaction of the change it describes, so an entry exists exactly when the change committed.
 * The migration's trigger refuses UPDATE and DELETE on the table; nothing here offers either.
 */

/** Who did it, with a name copied into the entry so it still reads right after they are gone. */
export type AuditActor = { kind: AuditActorKind; id: string | null; name: string };

/** The caller of a change and where they called from: what a route passes down with a change. */
export type AuditContext = { actor: AuditActor; clientAddress: string | null };

export type AuditEntryInput = {
  workspaceId: string;
  actor: AuditActor;
  /** `<thing>.<verb>`: workflow.published, member.invited, api_key.revoked, … */
  action: string;
  target: { type: string; id?: string | null; name?: string | null };
  /** A short, human sentence of what changed; never a secret value. */
  summary: string;
  clientAddress?: string | null;
};

export type AuditEntryRow = typeof auditLog.$inferSelect;

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null, name: 'Conduit' };

export async function recordAudit(tx: DbOrTx, e: AuditEntryInput): Promise<void> {
  await tx.insert(auditLog).values({
    workspaceId: e.workspaceId,
    actorKind: e.actor.kind,
    actorId: e.actor.id,
    actorName: e.actor.name,
    action: e.action,
    targetType: e.target.type,
    targetId: e.target.id ?? null,
    targetName: e.target.name ?? null,
    summary: e.summary.slice(0, 2000),
    clientAddress: e.clientAddress ?? null,
  });
}

/** recordAudit with the caller's context: the common shape at a route. */
export const audit = (tx: DbOrTx, ctx: AuditContext, e: Omit<AuditEntryInput, 'actor' | 'clientAddress'>) =>
  recordAudit(tx, { ...e, actor: ctx.actor, clientAddress: ctx.clientAddress });

export type AuditQuery = {
  workspaceId: string;
  /** Matches the actor's id exactly or their name in part. */
  actor?: string | undefined;
  /** An exact action, or a prefix ending in a dot (`workflow.`). */
  action?: string | undefined;
  /** Matches the target's id exactly or its name in part. */
  target?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
};

const like = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** Newest first, keyset-paginated. */
export async function listAudit(db: Db, q: AuditQuery): Promise<{ items: AuditEntryRow[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const where = and(
    eq(auditLog.workspaceId, q.workspaceId),
    q.actor ? or(sql`${auditLog.actorId} = ${q.actor}`, ilike(auditLog.actorName, like(q.actor))) : undefined,
    q.action
      ? q.action.endsWith('.')
        ? ilike(auditLog.action, `${q.action.replace(/[\\%_]/g, (m) => `\\${m}`)}%`)
        : eq(auditLog.action, q.action)
      : undefined,
    q.target ? or(sql`${auditLog.targetId} = ${q.target}`, ilike(auditLog.targetName, like(q.target))) : undefined,
    q.from ? gte(auditLog.at, q.from) : undefined,
    q.to ? lte(auditLog.at, q.to) : undefined,
    afterCursor(auditLog.at, auditLog.id, q.cursor),
  );
  const rows = await db
    .select({ entry: auditLog, cursorAt: cursorAt(auditLog.at) })
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit + 1);
  return pageOf(
    rows,
    limit,
    (r) => r.entry.id,
    (r) => r.entry,
  );
}

/**
 * A field-level summary of a definition change: which top-level fields changed, and for actions
 * which ones were added, removed or edited (by id). Values are never included, so a secret typed
 * into a field cannot leak into the log.
 */
export function definitionDiff(
  before: { name: string; description?: string | null; trigger: unknown; actions: { id: string }[] },
  after: { name: string; description?: string | null; trigger: unknown; actions: { id: string }[] },
): string {
  const parts: string[] = [];
  if (before.name !== after.name) parts.push('name');
  if ((before.description ?? null) !== (after.description ?? null)) parts.push('description');
  if (JSON.stringify(before.trigger) !== JSON.stringify(after.trigger)) {
    const b = (before.trigger ?? {}) as Record<string, unknown>;
    const a = (after.trigger ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
    parts.push(`trigger (${keys.join(', ')})`);
  }
  const flat = (list: { id: string }[]) => {
    const out = new Map<string, string>();
    const walk = (xs: unknown) => {
      if (!Array.isArray(xs)) return;
      for (const x of xs as Record<string, unknown>[]) {
        if (typeof x?.id !== 'string') continue;
        const { then, else: els, steps, ...own } = x;
        out.set(x.id, JSON.stringify(own));
        walk(then);
        walk(els);
        walk(steps);
      }
    };
    walk(list);
    return out;
  };
  const b = flat(before.actions);
  const a = flat(after.actions);
  const added = [...a.keys()].filter((k) => !b.has(k));
  const removed = [...b.keys()].filter((k) => !a.has(k));
  const changed = [...a.keys()].filter((k) => b.has(k) && b.get(k) !== a.get(k));
  const order = JSON.stringify([...b.keys()]) !== JSON.stringify([...a.keys()]) && !added.length && !removed.length;
  if (added.length) parts.push(`actions added: ${added.join(', ')}`);
  if (removed.length) parts.push(`actions removed: ${removed.join(', ')}`);
  if (changed.length) parts.push(`actions changed: ${changed.join(', ')}`);
  if (order) parts.push('actions reordered');
  return parts.length ? `changed ${parts.join('; ')}` : 'saved without changes';
}
