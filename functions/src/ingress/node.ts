import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@conduit/core/logging';
import { securityHeaders } from '@conduit/core/security-headers';
import { isHttps } from '../http/security-headers';
import { readNode, type BodyResult } from './body';
import { unavailableReply, type HookHandler, type HookReply, type HookRequest } from './handler';

const PREFIX = '/hooks/';

/**
 * The same hook handler served straight from node:http, for the local server: a webhook flood then
 * costs no web Request/Response objects per call. Answers and returns true for `/hooks/<id>` paths;
 * anything else is left to the caller (the Hono app).
 */
export function createNodeHookListener(handle: HookHandler, log?: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) return false;
    const q = url.indexOf('?');
    const hookId = url.slice(PREFIX.length, q < 0 ? undefined : q);
    // `/hooks/a/b` and encoded ids are not hook ids; the app answers them (404).
    if (hookId.length === 0 || hookId.includes('/') || hookId.includes('%')) return false;
    const secure = (isHttps('', one(req.headers['x-forwarded-proto'])) ? HTTPS_HEADERS : HTTP_HEADERS) as Record<string, string>;
    handle(new NodeHookRequest(req, hookId, q < 0 ? '' : url.slice(q + 1))).then(
      (reply) => send(res, reply, secure),
      (err: unknown) => {
        log?.error('webhook request failed', { error: err instanceof Error ? err.message : String(err) });
        send(res, unavailableReply(err, 'try again shortly'), secure);
      },
    );
    return true;
  };
}

/** A class rather than an object of closures: a webhook flood then allocates one object per request, not five functions. */
class NodeHookRequest implements HookRequest {
  readonly method: string;
  constructor(
    private readonly req: IncomingMessage,
    readonly hookId: string,
    private readonly search: string,
  ) {
    this.method = req.method ?? 'GET';
  }
  header(name: string): string | undefined {
    return one(this.req.headers[name]);
  }
  headers(): Iterable<[string, string]> {
    return headerEntries(this.req);
  }
  query(): Record<string, string> {
    return this.search === '' ? {} : firstValues(new URLSearchParams(this.search));
  }
  readBody(limit: number): Promise<BodyResult> {
    const declared = this.req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) return Promise.resolve({ ok: false, status: 413 });
    return readNode(this.req, limit);
  }
}

/** The same security headers as every other answer (computed once: the hot path allocates nothing for them). */
const HTTP_HEADERS = securityHeaders(PREFIX, false);
const HTTPS_HEADERS = securityHeaders(PREFIX, true);

function send(res: ServerResponse, reply: HookReply, secure: Record<string, string>): void {
  if (res.headersSent) return;
  const body = JSON.stringify(reply.body);
  // One write: status line, headers and body leave in a single syscall.
  res.writeHead(reply.status, { ...secure, ...reply.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);

function* headerEntries(req: IncomingMessage): Iterable<[string, string]> {
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) yield [name, one(value)!];
}

/** Like Hono's c.req.query(): the first value per name, empty names skipped, no prototype to reach. */
function firstValues(params: URLSearchParams): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of params) if (k !== '' && !Object.hasOwn(out, k)) out[k] = v;
  return out;
}
