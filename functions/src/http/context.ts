import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import {
  findApiKey,
  findSession,
  findSessionUserWithWorkspace,
  sessionSeenStale,
  touchSession,
  findWorkspace,
  findWorkspaceForUser,
  type ApiKeyInfo,
  type Role,
  type UserRow,
  type WorkspaceRow,
} from '@conduit/core/domain';
import type { AppDeps } from '../deps';
import { forbidden, notFound, unauthorized } from './errors';

export const SESSION_COOKIE = 'conduit_session';

/** Who is calling: a signed-in user (cookie) or a workspace API key (Bearer). */
export type Principal = { kind: 'session'; user: UserRow; token: string } | { kind: 'api_key'; key: ApiKeyInfo };

/** The workspace of a workspace route, looked up with the session (`key`: the id or slug in the path). */
type SessionWorkspace = { key: string; found: { workspace: WorkspaceRow; role: Role | null } | null };

export type Env = { Variables: { principal: Principal | null; sessionWorkspace?: SessionWorkspace } };

/** `/api/workspaces/<id or slug>[/…]`: the plain segment (anything encoded is looked up the ordinary way). */
const WORKSPACE_PATH = /^\/api\/workspaces\/([A-Za-z0-9_-]+)(?:\/|$)/;

/** The caller inside one workspace, after the role check. */
export type Access = { workspace: WorkspaceRow; role: Role; userId: string | null; principal: Principal };

/** Resolves the caller once per request; a bad or expired credential is simply "nobody" (→ 401 where needed). */
export async function resolvePrincipal(c: Context<Env>, deps: AppDeps): Promise<Principal | null> {
  const now = deps.clock?.() ?? new Date();
  const auth = c.req.header('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const key = m ? await findApiKey(deps.db, m[1]!, now) : null;
    // A wrong key is refused outright, not downgraded to the cookie: scripts should see their mistake.
    if (!key) throw unauthorized('the API key is unknown, revoked or expired');
    return { kind: 'api_key', key };
  }
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 200) return null;
  const ws = WORKSPACE_PATH.exec(c.req.path)?.[1];
  if (ws) {
    const found = await findSessionUserWithWorkspace(deps.db, token, ws, now);
    if (!found) return null;
    c.set('sessionWorkspace', { key: ws, found: found.workspace });
    await seen(deps, token, found.lastSeenAt, now);
    return { kind: 'session', user: found.user, token };
  }
  const found = await findSession(deps.db, token, now);
  if (!found) return null;
  await seen(deps, token, found.lastSeenAt, now);
  return { kind: 'session', user: found.user, token };
}

/** Keeps "last seen" of the session list current, writing at most once a minute per session. */
async function seen(deps: AppDeps, token: string, lastSeenAt: Date, now: Date): Promise<void> {
  // Best effort: bookkeeping must not refuse the request.
  if (sessionSeenStale(lastSeenAt, now)) await touchSession(deps.db, token, now).catch(() => {});
}

export function requirePrincipal(c: Context<Env>): Principal {
  const p = c.get('principal');
  if (!p) throw unauthorized();
  return p;
}

/**
 * The caller's access to the workspace named in the URL (id or slug). Not a member, an API key
 * of another workspace, or no such workspace: all 404, so ids of other tenants reveal nothing.
 */
export async function workspaceAccess(c: Context<Env>, deps: AppDeps, ws: string, need: Role = 'member', action?: string): Promise<Access> {
  const principal = requirePrincipal(c);
  let workspace: WorkspaceRow;
  let role: Role | null;
  if (principal.kind === 'api_key') {
    const found = await findWorkspace(deps.db, ws);
    if (!found) throw notFound('workspace');
    workspace = found;
    role = principal.key.workspaceId === workspace.id ? principal.key.role : null;
  } else {
    const pre = c.get('sessionWorkspace');
    const found = pre?.key === ws ? pre.found : await findWorkspaceForUser(deps.db, ws, principal.user.id);
    if (!found) throw notFound('workspace');
    ({ workspace, role } = found);
  }
  if (!role) throw notFound('workspace');
  if (need === 'admin' && role !== 'admin') throw forbidden(`only workspace admins can ${action ?? 'do this'}; your role is ${role}`);
  return { workspace, role, userId: principal.kind === 'session' ? principal.user.id : null, principal };
}
