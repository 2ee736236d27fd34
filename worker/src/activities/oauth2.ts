import { createHash } from 'node:crypto';
import type { SafeHttp } from './safe-http';
import { StepError } from './types';

export type ClientCredentials = { tokenUrl: string; clientId: string; clientSecret: string; scope?: string | undefined; audience?: string | undefined };

/** The fields of a token response this uses (RFC 6749 §5.1); expires_in may come as a string. */
function parseTokenResponse(text: string): { accessToken: string; expiresInS: number | undefined } | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const { access_token, expires_in } = v as Record<string, unknown>;
  if (typeof access_token !== 'string' || access_token === '') return null;
  const secs = typeof expires_in === 'number' || typeof expires_in === 'string' ? Number(expires_in) : NaN;
  return { accessToken: access_token, expiresInS: Number.isFinite(secs) && secs > 0 ? secs : undefined };
}

/** Without expires_in, a token is reused this long. */
const DEFAULT_LIFETIME_MS = 5 * 60_000;
type Cached = { token: string; refreshAt: number };

/**
 * Access tokens of the OAuth2 client-credentials grant, per worker process: one token serves every
 * run until shortly before it expires. The key holds a hash of the credentials, so a rotated client
 * secret gets a new token at once; the token itself is never stored anywhere else.
 */
function createTokenCache(now: () => number = Date.now) {
  const cache = new Map<string, Cached>();
  const inflight = new Map<string, Promise<Cached>>();
  const keyOf = (workspaceId: string, c: ClientCredentials) =>
    createHash('sha256')
      .update(JSON.stringify([workspaceId, c.tokenUrl, c.clientId, c.clientSecret, c.scope ?? '', c.audience ?? '']))
      .digest('base64url');

  async function fetchToken(http: SafeHttp, c: ClientCredentials, signal: AbortSignal | undefined): Promise<Cached> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret });
    if (c.scope) form.set('scope', c.scope);
    if (c.audience) form.set('audience', c.audience);
    const started = now();
    // The token URL goes through the same SSRF guard as the call itself.
    const res = await http.request({
      method: 'POST',
      url: c.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': 'Conduit-Webhooks/1' },
      body: form.toString(),
      timeoutMs: 10_000,
      ...(signal ? { signal } : {}),
    });
    if (res.status >= 500 || res.status === 429) throw new StepError(`the OAuth2 token endpoint answered HTTP ${res.status}`, true);
    if (res.status >= 400) throw new StepError(`the OAuth2 token endpoint refused the client credentials (HTTP ${res.status})`);
    const parsed = parseTokenResponse(res.body);
    if (!parsed) throw new StepError('the OAuth2 token endpoint answered without an access_token');
    const lifetime = parsed.expiresInS !== undefined ? parsed.expiresInS * 1000 : DEFAULT_LIFETIME_MS;
    // Renew a little before expiry (a tenth of the lifetime, at most a minute) so no call carries a dying token.
    return { token: parsed.accessToken, refreshAt: started + lifetime - Math.min(60_000, lifetime / 10) };
  }

  return {
    /** A valid token: the cached one, else a fresh one (concurrent steps share one request). */
    async token(http: SafeHttp, workspaceId: string, c: ClientCredentials, signal?: AbortSignal): Promise<string> {
      const key = keyOf(workspaceId, c);
      const hit = cache.get(key);
      if (hit && hit.refreshAt > now()) return hit.token;
      let p = inflight.get(key);
      if (!p) {
        p = fetchToken(http, c, signal).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      const fresh = await p;
      cache.set(key, fresh);
      return fresh.token;
    },
    /** The API refused the token (401): forget it so the next request fetches another. */
    invalidate(workspaceId: string, c: ClientCredentials, token: string): void {
      const key = keyOf(workspaceId, c);
      if (cache.get(key)?.token === token) cache.delete(key);
    },
  };
}

/** The worker process's cache (activities of every run share it). */
export const tokenCache = createTokenCache();
