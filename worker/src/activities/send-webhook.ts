import { WebhookSecretError, webhookSignatureHeaders } from '@conduit/core/crypto';
import { workflowSecretCiphertext } from '@conduit/core/domain';
import type { Json } from '@conduit/core/definition';
import { tokenCache, type ClientCredentials } from './oauth2';
import { BlockedAddressError } from './safe-http';
import { StepError, stepKey, type ActivityDeps, type ActionHandler, type StepContext } from './types';

async function signingSecret(deps: ActivityDeps, workspaceId: string, workflowId: string): Promise<string> {
  if (!deps.secrets) throw new StepError('signing is on but ENCRYPTION_KEY is not configured');
  const ciphertext = await workflowSecretCiphertext(deps.db, { workflowId, workspaceId, kind: 'webhook_signing' });
  if (ciphertext === null) throw new StepError('signing is on but this workflow has no signing secret; create one in the workflow settings');
  return deps.secrets.open(ciphertext);
}

/** Seconds from a Retry-After header (delta or HTTP date), capped at 10 minutes. */
function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 600_000) : undefined;
}

type Auth = NonNullable<Parameters<ActionHandler<'send_webhook'>>[0]['auth']>;

/**
 * The auth headers that do not need a round trip (bearer, basic, a named header); values are secrets
 * already opened. The Basic pair is concealed as sent: an API that echoes its request headers would
 * otherwise put it, base64 but not hidden, in the step's output.
 */
function staticAuthHeaders(auth: Auth | undefined, ctx: StepContext): Record<string, string> {
  if (!auth) return {};
  switch (auth.type) {
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic': {
      const pair = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
      ctx.conceal?.('basic credentials', pair);
      return { authorization: `Basic ${pair}` };
    }
    case 'header':
      return { [auth.name.toLowerCase()]: auth.value };
    default:
      return {};
  }
}

const clientCredentials = (auth: Auth | undefined): ClientCredentials | null =>
  auth?.type === 'oauth2_client_credentials'
    ? { tokenUrl: auth.tokenUrl, clientId: auth.clientId, clientSecret: auth.clientSecret, scope: auth.scope, audience: auth.audience }
    : null;

async function bearerFor(deps: ActivityDeps, ctx: StepContext, c: ClientCredentials): Promise<string> {
  try {
    const token = await tokenCache.token(deps.http, ctx.run.workspaceId, c, ctx.signal);
    ctx.conceal?.('access token', token);
    return token;
  } catch (e) {
    if (e instanceof StepError) throw e;
    if ((e as { code?: string }).code === 'ERR_BLOCKED_ADDRESS' || (e as { cause?: { code?: string } }).cause?.code === 'ERR_BLOCKED_ADDRESS')
      throw new StepError(`OAuth2 token URL refused: ${(e as { cause?: Error }).cause?.message ?? (e as Error).message}`);
    throw new StepError(`OAuth2 token request failed: ${(e as Error).message}`, true);
  }
}

export const sendWebhook: ActionHandler<'send_webhook'> = async (action, ctx, deps) => {
  const url = new URL(action.url);
  for (const [k, v] of Object.entries(action.query)) url.searchParams.append(k, v);
  const idempotencyKey = `${ctx.run.executionId}.${stepKey(ctx.step)}`;
  let body: string | undefined;
  const headers: Record<string, string> = { 'user-agent': 'Conduit-Webhooks/1', 'idempotency-key': idempotencyKey };
  if (action.body !== undefined && action.method !== 'GET') {
    body = action.bodyType === 'text' ? (typeof action.body === 'string' ? action.body : JSON.stringify(action.body)) : JSON.stringify(action.body);
    headers['content-type'] = action.bodyType === 'text' ? 'text/plain; charset=utf-8' : 'application/json';
  }
  for (const [k, v] of Object.entries(action.headers)) headers[k.toLowerCase()] = v;
  if (action.sign) {
    const secret = await signingSecret(deps, ctx.run.workspaceId, ctx.run.workflowId);
    try {
      Object.assign(headers, webhookSignatureHeaders({ secret, id: idempotencyKey, body: body ?? '' }));
    } catch (e) {
      if (e instanceof WebhookSecretError) throw new StepError(`signing failed: ${e.message}`);
      throw e;
    }
  }
  Object.assign(headers, staticAuthHeaders(action.auth, ctx));
  const oauth = clientCredentials(action.auth);
  if (oauth) headers.authorization = `Bearer ${await bearerFor(deps, ctx, oauth)}`;
  let res;
  try {
    const send = () => deps.http.request({ method: action.method, url: url.toString(), headers, body, timeoutMs: action.timeoutMs, signal: ctx.signal });
    res = await send();
    // A token revoked or expired early: one fresh token, one more try.
    if (oauth && res.status === 401) {
      tokenCache.invalidate(ctx.run.workspaceId, oauth, headers.authorization!.slice('Bearer '.length));
      headers.authorization = `Bearer ${await bearerFor(deps, ctx, oauth)}`;
      res = await send();
    }
  } catch (e) {
    if (e instanceof StepError) throw e;
    if (
      e instanceof BlockedAddressError ||
      (e as { code?: string }).code === 'ERR_BLOCKED_ADDRESS' ||
      (e as { cause?: { code?: string } }).cause?.code === 'ERR_BLOCKED_ADDRESS'
    ) {
      const msg = (e as { cause?: Error }).cause?.message ?? (e as Error).message;
      throw new StepError(`webhook refused: ${msg}`);
    }
    throw new StepError(`webhook request failed: ${(e as Error).message}`, true);
  }
  let parsed: Json = res.body;
  if (!res.truncated && /json/i.test(res.headers['content-type'] ?? '')) {
    try {
      parsed = JSON.parse(res.body) as Json;
    } catch {
      /* keep the text */
    }
  }
  const output: Json = { status: res.status, url: res.url, redirects: res.redirects, headers: res.headers, body: parsed, truncated: res.truncated };
  if (res.status === 429 || res.status >= 500) throw new StepError(`webhook answered HTTP ${res.status}`, true, retryAfterMs(res.headers['retry-after']));
  if (res.status >= 400) throw new StepError(`webhook answered HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  return { output };
};
