import { Hono, type Context } from 'hono';
import type { Config } from '@conduit/core/config';
import { createSecretBox } from '@conduit/core/crypto';
import type { Db } from '@conduit/core/db';
import type { WebhookTriggerPayload } from '@conduit/core/definition';
import type { EventQueue } from '@conduit/core/events';
import { nodeIncoming, parseBody, readBody } from './body';
import { createEventWriter, UnstorableEventError, type EventWriter } from './event-writer';
import { filterHeaders } from './headers';
import { createHookResolver, type Hook, type HookResolver } from './hooks';
import { createRateLimiter } from './rate-limit';
import { safeEqual, verifyWebhookSignature } from './signature';

export type IngressDeps = {
  db: Db;
  queue: EventQueue;
  config: Pick<Config, 'WEBHOOK_BODY_LIMIT' | 'ENCRYPTION_KEY'>;
  /** Per-hook token bucket (default 10,000/s with a burst of 20,000). */
  rateLimit?: { perSecond: number; burst: number };
  /** How long a hook lookup is cached (default 2 s). */
  hookCacheMs?: number;
  /** Shared with the API so activate/deactivate can drop a cached hook at once. */
  hooks?: HookResolver;
  writer?: EventWriter;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
};

type ErrorCode = 'not_found' | 'method_not_allowed' | 'rate_limited' | 'payload_too_large' | 'unsupported_media_type' | 'bad_request' | 'unauthorized' | 'unavailable';

const fail = (c: Context, status: 400 | 401 | 404 | 405 | 413 | 415 | 429 | 503, code: ErrorCode, message: string) =>
  c.json({ error: { code, message } }, status);

/** Keys a sender may use to make a retry idempotent; long or odd values are refused, not truncated. */
const DEDUPE_VALUE = /^[\x21-\x7e]{1,200}$/;

/**
 * The public webhook ingress, mounted at /hooks: `POST /hooks/:hookId` (GET when the trigger sets
 * allowGet). Order of checks: known active hook (404 otherwise, unknown and inactive alike), method,
 * rate limit, size, content type, auth, parse; then the event is stored (durably) and only then
 * answered 202 with its id, and published to the queue.
 */
export function createIngress(deps: IngressDeps): Hono {
  const limit = deps.config.WEBHOOK_BODY_LIMIT ?? 1024 * 1024;
  const box = deps.config.ENCRYPTION_KEY ? createSecretBox(deps.config.ENCRYPTION_KEY) : null;
  const hooks = deps.hooks ?? createHookResolver({ db: deps.db, box, ...(deps.hookCacheMs !== undefined ? { ttlMs: deps.hookCacheMs } : {}) });
  const writer = deps.writer ?? createEventWriter(deps.db);
  const limiter = createRateLimiter(deps.rateLimit ?? { perSecond: 10_000, burst: 20_000 });
  const app = new Hono();

  app.on(['POST', 'GET'], '/:hookId', async (c) => {
    // Hono serves HEAD through GET handlers; a HEAD must never store an event.
    if (c.req.method === 'HEAD') {
      c.header('Allow', 'POST');
      return fail(c, 405, 'method_not_allowed', 'this hook accepts POST');
    }
    const hookId = c.req.param('hookId');
    let hook: Hook | null;
    try {
      hook = await hooks.resolve(hookId);
    } catch (err) {
      deps.log?.('error', 'hook lookup failed', { error: err instanceof Error ? err.message : String(err) });
      return fail(c, 503, 'unavailable', 'try again shortly');
    }
    if (!hook) return fail(c, 404, 'not_found', 'no such hook');
    if (c.req.method === 'GET' && !hook.trigger.allowGet) {
      c.header('Allow', 'POST');
      return fail(c, 405, 'method_not_allowed', 'this hook accepts POST only');
    }
    const wait = limiter.take(hook.workflowId);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return fail(c, 429, 'rate_limited', 'too many requests for this hook');
    }

    const read = await readBody(c.req.raw, limit, nodeIncoming(c.env));
    if (!read.ok) {
      // The rest of the body is never read: close the connection instead of draining it.
      c.header('Connection', 'close');
      return fail(c, 413, 'payload_too_large', `the body is larger than ${limit} bytes`);
    }
    const contentType = c.req.header('content-type') ?? null;
    const parsed = parseBody(read.raw, contentType);
    // Content type is checked before auth only in the sense of cost; nothing is stored either way.
    if (!parsed.ok && parsed.status === 415) return fail(c, 415, 'unsupported_media_type', parsed.message);

    const auth = hook.trigger.auth;
    if (auth.mode === 'header') {
      const given = c.req.header(auth.headerName);
      if (!hook.secret || !given || !safeEqual(given, hook.secret)) return fail(c, 401, 'unauthorized', 'missing or wrong secret');
    } else if (auth.mode === 'signature') {
      if (!hook.secret) return fail(c, 401, 'unauthorized', 'signature required');
      const check = verifyWebhookSignature({
        secret: hook.secret,
        id: c.req.header('webhook-id'),
        timestamp: c.req.header('webhook-timestamp'),
        signature: c.req.header('webhook-signature'),
        body: read.raw,
      });
      if (!check.ok) {
        const message =
          check.reason === 'timestamp_out_of_tolerance' ? 'webhook-timestamp is outside the 5-minute tolerance'
            : check.reason === 'missing_headers' ? 'webhook-id, webhook-timestamp and webhook-signature are required'
              : check.reason === 'bad_timestamp' ? 'webhook-timestamp must be Unix seconds'
                : 'the signature does not match';
        return fail(c, 401, 'unauthorized', message);
      }
    }
    if (!parsed.ok) return fail(c, 400, 'bad_request', parsed.message);

    const webhookId = c.req.header('webhook-id');
    const idempotencyKey = c.req.header('idempotency-key');
    const dedupeValue = webhookId ?? idempotencyKey;
    if (dedupeValue !== undefined && !DEDUPE_VALUE.test(dedupeValue)) {
      return fail(c, 400, 'bad_request', 'webhook-id / Idempotency-Key must be 1-200 visible ASCII characters');
    }
    const dedupeKey = dedupeValue === undefined ? null : `${hook.workflowId}:${webhookId !== undefined ? 'webhook-id' : 'idempotency-key'}:${dedupeValue}`;

    const payload: WebhookTriggerPayload = {
      kind: 'webhook',
      method: c.req.method,
      body: parsed.body,
      query: c.req.query(),
      headers: filterHeaders(c.req.raw.headers, auth.mode === 'header' ? auth.headerName : undefined),
      contentType,
      receivedAt: new Date().toISOString(),
    };

    let written;
    try {
      written = await writer.write({ workspaceId: hook.workspaceId, workflowId: hook.workflowId, payload, dedupeKey });
    } catch (err) {
      if (err instanceof UnstorableEventError) return fail(c, 400, 'bad_request', err.message);
      deps.log?.('error', 'webhook event not stored', { workflowId: hook.workflowId, error: err instanceof Error ? err.message : String(err) });
      return fail(c, 503, 'unavailable', 'the event could not be stored; retry');
    }
    if (!written.duplicate) {
      // Stored is what counts: a failed publish is re-sent by the sweeper.
      await deps.queue.publish(written).catch((err: unknown) =>
        deps.log?.('warn', 'publish failed; the sweeper will re-send', { eventId: written.id, error: err instanceof Error ? err.message : String(err) }),
      );
    }
    return c.json(written.duplicate ? { eventId: written.id, duplicate: true } : { eventId: written.id }, 202);
  });

  app.all('/:hookId', (c) => {
    c.header('Allow', 'POST');
    return fail(c, 405, 'method_not_allowed', 'this hook accepts POST');
  });
  return app;
}
