import { and, eq } from 'drizzle-orm';
import type { Db } from '@conduit/core/db';
import { workflowSecrets, workflowVersions, workflows } from '@conduit/core/db';
import type { SecretBox } from '@conduit/core/crypto';
import { WebhookTriggerSchema, type WebhookTrigger } from '@conduit/core/definition';

/** What the ingress needs to know about a hook; null means unknown or inactive (answered alike). */
export type Hook = {
  workflowId: string;
  workspaceId: string;
  trigger: WebhookTrigger;
  /** The decrypted inbound secret when auth needs one; kept in memory only. */
  secret: string | null;
};

const HOOK_ID = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * Hook lookups, cached briefly (hits and misses) so a flood of requests costs one query per hook per
 * TTL, not one per request. Deactivation therefore takes up to the TTL to reach the ingress; the
 * dispatcher checks is_active again, so no run starts for a hook deactivated in that window.
 */
export function createHookResolver(deps: { db: Db; box: SecretBox | null; ttlMs?: number; maxEntries?: number }) {
  const ttl = deps.ttlMs ?? 2_000;
  const max = deps.maxEntries ?? 10_000;
  const cache = new Map<string, { hook: Promise<Hook | null>; expires: number }>();

  async function load(hookId: string): Promise<Hook | null> {
    const [row] = await deps.db
      .select({ workflowId: workflows.id, workspaceId: workflows.workspaceId, trigger: workflowVersions.trigger })
      .from(workflows)
      .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
      .where(and(eq(workflows.hookId, hookId), eq(workflows.isActive, true), eq(workflows.activeTriggerType, 'webhook')));
    if (!row) return null;
    const parsed = WebhookTriggerSchema.safeParse(row.trigger);
    if (!parsed.success) return null;
    const trigger = parsed.data;
    let secret: string | null = null;
    if (trigger.auth.mode !== 'none') {
      const [s] = await deps.db
        .select({ ciphertext: workflowSecrets.ciphertext })
        .from(workflowSecrets)
        .where(
          and(
            eq(workflowSecrets.workflowId, row.workflowId),
            eq(workflowSecrets.workspaceId, row.workspaceId),
            eq(workflowSecrets.kind, 'webhook_inbound'),
          ),
        );
      // No key (or no way to open it): fail closed; the ingress answers 401 to every request.
      secret = s && deps.box ? safeOpen(deps.box, s.ciphertext) : null;
    }
    return { workflowId: row.workflowId, workspaceId: row.workspaceId, trigger, secret };
  }

  return {
    resolve(hookId: string): Promise<Hook | null> {
      if (!HOOK_ID.test(hookId)) return Promise.resolve(null);
      const now = Date.now();
      const hit = cache.get(hookId);
      if (hit && hit.expires > now) return hit.hook;
      if (cache.size >= max) cache.clear();
      const hook = load(hookId);
      cache.set(hookId, { hook, expires: now + ttl });
      // A failed lookup is not cached: the next request tries again.
      hook.catch(() => cache.delete(hookId));
      return hook;
    },
    invalidate(hookId?: string) {
      if (hookId) cache.delete(hookId);
      else cache.clear();
    },
  };
}
export type HookResolver = ReturnType<typeof createHookResolver>;

function safeOpen(box: SecretBox, sealed: string): string | null {
  try {
    return box.open(sealed);
  } catch {
    return null;
  }
}
