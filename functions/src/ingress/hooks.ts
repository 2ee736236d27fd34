import type { Db } from '@conduit/core/db';
import { findHook, workflowSecretCiphertext } from '@conduit/core/domain';
import type { SecretBox } from '@conduit/core/crypto';
import { WebhookTriggerSchema, type WebhookTrigger } from '@conduit/core/definition';

/** What the ingress needs to know about a hook; null means unknown or inactive (answered alike). */
export type Hook = {
  workflowId: string;
  workspaceId: string;
  trigger: WebhookTrigger;
  /** The decrypted inbound secret when auth needs one; kept in memory only. */
  secret: string | null;
  /** The workspace's limit on accepted webhook events per second (null: none). */
  eventsPerSecond: number | null;
};

/** A hook id that belongs to a workflow that is off (or not a webhook workflow now): answered 404 like an unknown one, but its calls are counted. */
export type InactiveHook = { workflowId: string; workspaceId: string };
export type HookLookup = { hook: Hook } | { inactive: InactiveHook } | null;

const HOOK_ID = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * Hook lookups, cached briefly (hits and misses) so a flood of requests costs one query per hook per
 * TTL, not one per request. Deactivation therefore takes up to the TTL to reach the ingress; the
 * dispatcher checks is_active again, so no run starts for a hook deactivated in that window.
 */
export function createHookResolver(deps: { db: Db; box: SecretBox | null; ttlMs?: number; maxEntries?: number }) {
  const ttl = deps.ttlMs ?? 2_000;
  const max = deps.maxEntries ?? 10_000;
  const cache = new Map<string, { hook: Promise<HookLookup>; expires: number }>();

  async function load(hookId: string): Promise<HookLookup> {
    const row = await findHook(deps.db, hookId);
    if (!row) return null;
    if (!row.active) return { inactive: { workflowId: row.workflowId, workspaceId: row.workspaceId } };
    const parsed = WebhookTriggerSchema.safeParse(row.trigger);
    if (!parsed.success) return null;
    const trigger = parsed.data;
    let secret: string | null = null;
    if (trigger.auth.mode !== 'none') {
      const ciphertext = await workflowSecretCiphertext(deps.db, { workflowId: row.workflowId, workspaceId: row.workspaceId, kind: 'webhook_inbound' });
      // No key (or no way to open it): fail closed; the ingress answers 401 to every request.
      secret = ciphertext !== null && deps.box ? safeOpen(deps.box, ciphertext) : null;
    }
    return { hook: { workflowId: row.workflowId, workspaceId: row.workspaceId, trigger, secret, eventsPerSecond: row.eventsPerSecond } };
  }

  function lookup(hookId: string): Promise<HookLookup> {
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
  }

  return {
    /** The active hook, or null (unknown or inactive alike). */
    resolve: (hookId: string): Promise<Hook | null> => lookup(hookId).then((r) => (r && 'hook' in r ? r.hook : null)),
    lookup,
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
