import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The web build at /: files by path (never outside `dir`), and index.html for any other path so
 * the single-page app's own routes load on refresh. Hashed assets are cached for good.
 */
export function staticHandler(dir: string) {
  const root = resolve(dir);
  return async (c: Context) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.json({ error: { code: 'not_found', message: 'no such route' } }, 404);
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.json({ error: { code: 'bad_request', message: 'malformed path' } }, 400);
    }
    const file = resolve(root, `.${rel}`);
    const inside = file === root || file.startsWith(root + sep);
    if (inside && !rel.includes('\0')) {
      const s = await stat(file).catch(() => null);
      if (s?.isFile()) {
        c.header('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        if (rel.startsWith('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable');
        if (c.req.method === 'HEAD') return c.body(null);
        return c.body(new Uint8Array(await readFile(file)));
      }
    }
    // Missing files with an extension are real 404s; everything else is an app route.
    if (extname(rel)) return c.json({ error: { code: 'not_found', message: 'no such file' } }, 404);
    const index = await readFile(resolve(root, 'index.html')).catch(() => null);
    if (!index) return c.json({ error: { code: 'not_found', message: 'the web app is not built' } }, 404);
    c.header('Content-Type', TYPES['.html']!);
    c.header('Cache-Control', 'no-cache');
    return c.body(new Uint8Array(index));
  };
}
