import type { MiddlewareHandler } from 'hono';
import { securityHeaders } from '@conduit/core/security-headers';

/**
 * HTTPS as the client sees it: the URL itself (Lambda behind API Gateway), or the proxy's word for
 * it (CloudFront, a TLS-terminating proxy in front of the local server). Only HSTS depends on it.
 */
export const isHttps = (url: string, forwardedProto: string | undefined): boolean =>
  url.startsWith('https:') || forwardedProto?.split(',')[0]?.trim().toLowerCase() === 'https';

/**
 * Sets the security headers on every answer of a Hono app, errors and 404s included. Our own
 * middleware rather than Hono's secureHeaders: the node:http webhook path and CloudFront need the
 * same values (one home, @conduit/core/security-headers), the CSP differs between the app and the
 * JSON routes, and HSTS is sent only over HTTPS. `as: 'api'`: an app that only answers JSON,
 * wherever it is mounted (the ingress).
 */
export function securityHeadersMiddleware(o: { as?: 'api' } = {}): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = securityHeaders(o.as === 'api' ? '/api/' : c.req.path, isHttps(c.req.url, c.req.header('x-forwarded-proto')));
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  };
}
