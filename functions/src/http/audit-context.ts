import type { Context } from 'hono';
import type { AuditContext } from '@conduit/core/domain';
import { clientAddress } from './client-address';
import type { Env, Principal } from './context';

/** Who a change is attributed to in the audit log: the signed-in person or the API key, by name. */
export function auditActor(p: Principal): AuditContext['actor'] {
  return p.kind === 'session'
    ? { kind: 'user', id: p.user.id, name: p.user.name || p.user.email }
    : { kind: 'api_key', id: p.key.id, name: `API key “${p.key.name}”` };
}

/** The audit context of the current request (its caller and client address). */
export function auditContext(c: Context<Env>, principal: Principal): AuditContext {
  return { actor: auditActor(principal), clientAddress: clientAddress(c) };
}
