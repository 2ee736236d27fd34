/**
 * Prints the gzipped size of the JavaScript a first page load fetches: the entry chunk and its
 * static imports, from Vite's manifest (lazy routes are excluded). Run after `vite build`.
 *
 *   tsx web/scripts/size.ts [--json] [--max-kb 100]
 *
 * Exit code 1 when --max-kb is given and exceeded, so CI and the bench can use it as a gate.
 */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

const ManifestSchema = z.record(
  z.string(),
  z.object({ file: z.string(), isEntry: z.boolean().optional(), imports: z.array(z.string()).optional(), css: z.array(z.string()).optional() }),
);

type InitialSize = { files: { file: string; bytes: number; gzipBytes: number }[]; jsBytes: number; jsGzipBytes: number; cssGzipBytes: number };

export function initialSize(dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')): InitialSize {
  const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')));
  const seen = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return;
    seen.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    chunk.imports?.forEach(visit);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  const files = [...seen].map((file) => {
    const buf = readFileSync(join(dist, file));
    return { file, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length };
  });
  const cssGzipBytes = [...css].reduce((n, f) => n + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
  return {
    files,
    jsBytes: files.reduce((n, f) => n + f.bytes, 0),
    jsGzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0),
    cssGzipBytes,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const size = initialSize();
  if (args.includes('--json')) console.log(JSON.stringify(size));
  else {
    for (const f of size.files) console.log(`${f.file}  ${(f.bytes / 1024).toFixed(1)} KB  (${(f.gzipBytes / 1024).toFixed(1)} KB gzipped)`);
    console.log(
      `initial JS: ${(size.jsGzipBytes / 1024).toFixed(1)} KB gzipped (${(size.jsBytes / 1024).toFixed(1)} KB raw); CSS ${(size.cssGzipBytes / 1024).toFixed(1)} KB gzipped`,
    );
  }
  const maxIdx = args.indexOf('--max-kb');
  if (maxIdx >= 0) {
    const max = Number(args[maxIdx + 1]);
    if (size.jsGzipBytes > max * 1024) {
      console.error(`initial JS ${(size.jsGzipBytes / 1024).toFixed(1)} KB gzipped exceeds ${max} KB`);
      process.exit(1);
    }
  }
}
