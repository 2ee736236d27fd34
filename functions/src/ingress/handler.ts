import type { Config } from '@conduit/core/config';
import { secretBoxFromConfig, type SecretBox } from '@conduit/core/crypto';
import { classifyDbError, dbFailureReply, type Db } from '@conduit/core/db';
import type { WebhookTriggerPayload } from '@conduit/core/definition';
import type { EventQueue } from '@conduit/core/events';
import type { Logger } from '@conduit/core/logging';
import { inSpan, SpanKind, TRACE_ATTR } from '@conduit/core/tracing';
import type { Span } from '@opentelemetry/api';
import { parseBody, type BodyResult } from './body';
import { createEventWriter, UnstorableEventError, type EventWriter } from './event-writer';
import { filterHeaders } from './headers';
import type { HookRefusalReason } from '@conduit/core/definition';
import { createHookResolver, type HookLookup, type HookResolver } from './hooks';
import { createRefusalCounter, type RefusalCounter } from './refusals';
import { createRateLimiter } from './rate-limit';
import { safeEqual, verifyWebhookSignature } from './signature';

export type IngressDeps = {
  db: Db;
  queue: EventQueue;
  config: Pick<Config, 'WEBHOOK_BODY_LIMIT' | 'ENCRYPTION_KEY'> & Partial<Pick<Config, 'WEBHOOK_RATE_LIMIT' | 'WEBHOOK_RATE_BURST'>>;
  /** Opens hook secrets: the process's one box. Default: built from config.ENCRYPTION_KEY; null: none (signed and header hooks fail closed). */
  secrets?: SecretBox | null;
  /** How long a hook lookup is cached (default 2 s). */
  hookCacheMs?: number;
  /** Shared with the API so activate/deactivate can drop a cached hook at once. */
  hooks?: HookResolver;
  writer?: EventWriter;
  /** Counts refused calls per hook, reason and minute (default: one per handler, flushed every 2 s). */
  refusals?: RefusalCounter;
  /**
   * Wait for a due flush of the refusal counts before answering a refused call (at most one write
   * per flush interval). For Lambda, which freezes a function between calls, so a background timer
   * would not run; elsewhere the counts are written in the background.
   */
  awaitRefusalFlush?: boolean;
  log?: Logger;
};

/** One inbound hook request, whatever server received it (Hono on Lambda, node:http locally). */
export type HookRequest = {
  method: string;
  hookId: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** Every header as [lower-case name, value]. */
  headers(): Iterable<[string, string]>;
  query(): Record<string, string>;
  /** Reads the body up to `limit` bytes (413 beyond, without reading the rest). */
  readBody(limit: number): Promise<BodyResult>;
};

type ErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'bad_request'
  | 'unauthorized'
  | 'unavailable'
  | 'database_unavailable'
  | 'disk_full';

export type HookReply = {
  status: 202 | 400 | 401 | 404 | 405 | 413 | 415 | 429 | 503;
  body: { eventId: string; duplicate?: true } | { error: { code: ErrorCode; message: string } };
  headers?: Record<string, string>;
};

export type HookHandler = (req: HookRequest) => Promise<HookReply>;

const fail = (status: Exclude<HookReply['status'], 202>, code: ErrorCode, message: string, headers?: Record<string, string>): HookReply => ({
  status,
  body: { error: { code, message } },
  ...(headers ? { headers } : {}),
});

const ALLOW_POST = { Allow: 'POST' };

/**
 * A 503 for a failure on the way to storing the event: the database's own trouble (unreachable, disk
 * full) said in words with a Retry-After, from core's one classifier; anything else the generic one.
 */
export function unavailableReply(err: unknown, otherwise: string): HookReply {
  const kind = classifyDbError(err);
  if (!kind) return fail(503, 'unavailable', otherwise, { 'Retry-After': '5' });
  const r = dbFailureReply(kind);
  return fail(503, r.code, r.message, { 'Retry-After': String(r.retryAfterSeconds) });
}

/** Keys a sender may use to make a retry idempotent; long or odd values are refused, not truncated. */
const DEDUPE_VALUE = /^[\x21-\x7e]{1,200}$/;

/**
 * The webhook ingress, free of any HTTP framework. Order of checks: method, known active hook (404
 * otherwise, unknown and inactive alike), GET allowed, rate limit, size, content type, auth, parse;
 * then the event is stored (durably) and only then answered 202 with its id, and published to the
 * queue.
 */
export function createHookHandler(deps: IngressDeps): HookHandler {
  const limit = deps.config.WEBHOOK_BODY_LIMIT ?? 1024 * 1024;
  const hooks =
    deps.hooks ??
    createHookResolver({
      db: deps.db,
      box: deps.secrets !== undefined ? deps.secrets : secretBoxFromConfig(deps.config),
      ...(deps.hookCacheMs !== undefined ? { ttlMs: deps.hookCacheMs } : {}),
    });
  const writer = deps.writer ?? createEventWriter(deps.db);
  // A token bucket per hook (per process): config.WEBHOOK_RATE_LIMIT per second, burst WEBHOOK_RATE_BURST (default twice the rate).
  const perSecond = deps.config.WEBHOOK_RATE_LIMIT ?? 10_000;
  const limiter = createRateLimiter({ perSecond, burst: deps.config.WEBHOOK_RATE_BURST ?? perSecond * 2 });
  // And one per workspace, at the rate its operator set (burst: two seconds' worth).
  const workspaceLimiter = createRateLimiter({ perSecond: 1, burst: 2 });
  const refusals = deps.refusals ?? createRefusalCounter({ db: deps.db, ...(deps.log ? { log: deps.log } : {}) });
  /** A refusal of a known hook: counted (never its body), then answered. */
  const refuse = async (hook: { workflowId: string; workspaceId: string }, reason: HookRefusalReason, reply: HookReply): Promise<HookReply> => {
    refusals.note(hook, reason);
    if (deps.awaitRefusalFlush && refusals.due()) await refusals.flush();
    return reply;
  };

  // One server span per request; the publish inside it puts its trace context on the queue message.
  const traced: HookHandler = (req) =>
    inSpan('POST /hooks/:id', { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': '/hooks/:id' } }, async (span) => {
      const reply = await handle(req, span);
      span.setAttribute('http.response.status_code', reply.status);
      return reply;
    });

  const handle = async (req: HookRequest, span: Span): Promise<HookReply> => {
    // HEAD is served by GET handlers in most servers; a HEAD must never store an event.
    if (req.method !== 'POST' && req.method !== 'GET') return fail(405, 'method_not_allowed', 'this hook accepts POST', ALLOW_POST);
    let found: HookLookup;
    try {
      found = await hooks.lookup(req.hookId);
    } catch (err) {
      deps.log?.error('hook lookup failed', { error: err instanceof Error ? err.message : String(err) });
      return unavailableReply(err, 'try again shortly');
    }
    if (!found) return fail(404, 'not_found', 'no such hook');
    // The same answer as an unknown hook, so a caller learns nothing; the workspace sees it counted.
    if ('inactive' in found) return refuse(found.inactive, 'inactive', fail(404, 'not_found', 'no such hook'));
    const hook = found.hook;
    span.setAttributes({ [TRACE_ATTR.workspaceId]: hook.workspaceId, [TRACE_ATTR.workflowId]: hook.workflowId });
    if (req.method === 'GET' && !hook.trigger.allowGet)
      return refuse(hook, 'wrong_method', fail(405, 'method_not_allowed', 'this hook accepts POST only', ALLOW_POST));
    const wait = limiter.take(hook.workflowId);
    if (wait > 0) return refuse(hook, 'rate_limited', fail(429, 'rate_limited', 'too many requests for this hook', { 'Retry-After': String(wait) }));
    if (hook.eventsPerSecond !== null) {
      const rate = { perSecond: hook.eventsPerSecond, burst: hook.eventsPerSecond * 2 };
      const waitWs = workspaceLimiter.take(hook.workspaceId, Date.now(), rate);
      if (waitWs > 0)
        return refuse(
          hook,
          'workspace_limit',
          fail(429, 'rate_limited', `this workspace accepts ${hook.eventsPerSecond} events per second; retry after ${waitWs} s`, {
            'Retry-After': String(waitWs),
          }),
        );
    }

    const read = await req.readBody(limit);
    // The rest of the body is never read: close the connection instead of draining it.
    if (!read.ok) return refuse(hook, 'too_large', fail(413, 'payload_too_large', `the body is larger than ${limit} bytes`, { Connection: 'close' }));
    const contentType = req.header('content-type') ?? null;
    const parsed = parseBody(read.raw, contentType);
    // Content type is checked before auth only in the sense of cost; nothing is stored either way.
    if (!parsed.ok && parsed.status === 415) return refuse(hook, 'unsupported_type', fail(415, 'unsupported_media_type', parsed.message));

    const auth = hook.trigger.auth;
    if (auth.mode === 'header') {
      const given = req.header(auth.headerName.toLowerCase());
      if (!hook.secret || !given || !safeEqual(given, hook.secret)) return refuse(hook, 'wrong_secret', fail(401, 'unauthorized', 'missing or wrong secret'));
    } else if (auth.mode === 'signature') {
      if (!hook.secret) return refuse(hook, 'bad_signature', fail(401, 'unauthorized', 'signature required'));
      const check = verifyWebhookSignature({
        secret: hook.secret,
        id: req.header('webhook-id'),
        timestamp: req.header('webhook-timestamp'),
        signature: req.header('webhook-signature'),
        body: read.raw,
      });
      if (!check.ok) {
        const message =
          check.reason === 'timestamp_out_of_tolerance'
            ? 'webhook-timestamp is outside the 5-minute tolerance'
            : check.reason === 'missing_headers'
              ? 'webhook-id, webhook-timestamp and webhook-signature are required'
              : check.reason === 'bad_timestamp'
                ? 'webhook-timestamp must be Unix seconds'
                : 'the signature does not match';
        return refuse(hook, check.reason === 'timestamp_out_of_tolerance' ? 'stale_timestamp' : 'bad_signature', fail(401, 'unauthorized', message));
      }
    }
    if (!parsed.ok) return refuse(hook, 'malformed', fail(400, 'bad_request', parsed.message));

    const webhookId = req.header('webhook-id');
    const idempotencyKey = req.header('idempotency-key');
    const dedupeValue = webhookId ?? idempotencyKey;
    if (dedupeValue !== undefined && !DEDUPE_VALUE.test(dedupeValue)) {
      return refuse(hook, 'malformed', fail(400, 'bad_request', 'webhook-id / Idempotency-Key must be 1-200 visible ASCII characters'));
    }
    const dedupeKey = dedupeValue === undefined ? null : `${hook.workflowId}:${webhookId !== undefined ? 'webhook-id' : 'idempotency-key'}:${dedupeValue}`;

    const payload: WebhookTriggerPayload = {
      kind: 'webhook',
      method: req.method,
      body: parsed.body,
      query: req.query(),
      headers: filterHeaders(req.headers(), auth.mode === 'header' ? auth.headerName : undefined),
      contentType,
      receivedAt: new Date().toISOString(),
    };

    let written;
    try {
      written = await writer.write({ workspaceId: hook.workspaceId, workflowId: hook.workflowId, payload, dedupeKey });
    } catch (err) {
      if (err instanceof UnstorableEventError) return refuse(hook, 'malformed', fail(400, 'bad_request', err.message));
      deps.log?.error('webhook event not stored', { workflowId: hook.workflowId, error: err instanceof Error ? err.message : String(err) });
      return unavailableReply(err, 'the event could not be stored; retry');
    }
    span.setAttribute(TRACE_ATTR.eventId, written.id);
    if (written.duplicate) return { status: 202, body: { eventId: written.id, duplicate: true } };
    // Stored is what counts: a failed publish is re-sent by the sweeper. Awaited all the same, because
    // a Lambda is frozen once it has answered and a publish left pending would stall until the next call.
    await deps.queue
      .publish(written)
      .catch((err: unknown) =>
        deps.log?.warn('publish failed; the sweeper will re-send', { eventId: written.id, error: err instanceof Error ? err.message : String(err) }),
      );
    return { status: 202, body: { eventId: written.id } };
  };
  return traced;
}
