/**
 * The security headers of every response: the app's HTML and assets, the API and the webhook
 * ingress, served by the local server, the Lambdas, and CloudFront (infra's response-headers
 * policies take the same values from here).
 */

/**
 * The web app: its own scripts and styles only (Vite emits no inline script or style; Solid sets
 * `style={{…}}` through the CSSOM, which a CSP does not govern), the favicon as a data: URL, the API
 * on the same origin. Never framed: approval and invitation pages must not be clickjacked.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON answers (API, hooks): nothing in them may load or run anything, or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Browsers keep to HTTPS for a year, subdomains included. Sent only on HTTPS (ignored on http://, and wrong locally). */
const HSTS = 'max-age=31536000; includeSubDomains';
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

/** What every response carries besides its CSP. no-referrer: hook ids and one-time tokens live in URLs. */
const COMMON_SECURITY_HEADERS = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

/** JSON routes get the API policy; everything else is the app (HTML, assets, the SPA fallback). */
const isApiPath = (path: string): boolean => path.startsWith('/api/') || path === '/api' || path.startsWith('/hooks/') || path === '/hooks';

/** The headers for a response to `path`, over HTTPS or not. */
export function securityHeaders(path: string, https: boolean): Record<string, string> {
  return {
    'Content-Security-Policy': isApiPath(path) ? API_CSP : APP_CSP,
    ...COMMON_SECURITY_HEADERS,
    ...(https ? { 'Strict-Transport-Security': HSTS } : {}),
  };
}
