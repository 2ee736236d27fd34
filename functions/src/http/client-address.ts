import type { Context } from 'hono';

/**
 * The caller's address as the infrastructure saw it, never as the client claims it:
 * - on @hono/node-server, the TCP peer (c.env.incoming.socket);
 * - on Lambda (hono/aws-lambda passes the event's requestContext as c.env.requestContext), the
 *   address API Gateway recorded: `http.sourceIp` (HTTP API, payload v2) or `identity.sourceIp`
 *   (REST API, v1). API Gateway sets it from the connection; a client cannot write it.
 * `X-Forwarded-For` is not read: its first entry is whatever the client sent, so keying a limiter
 * on it lets an attacker pick a fresh "address" for every attempt.
 * Null when neither is known (an in-process request, e.g. app.request in tests).
 */
export function clientAddress(c: Context): string | null {
  const env = (c.env ?? {}) as {
    incoming?: { socket?: { remoteAddress?: string } };
    requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
  };
  const addr = env.incoming?.socket?.remoteAddress ?? env.requestContext?.http?.sourceIp ?? env.requestContext?.identity?.sourceIp;
  return addr ? addr.replace(/^::ffff:/, '') : null;
}
