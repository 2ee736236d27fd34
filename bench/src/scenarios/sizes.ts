import { lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { LAMBDA_ENTRIES, MAX_BUNDLE_BYTES, MAX_BUNDLE_TOTAL_BYTES, measureLambda } from '@conduit/infra/testing';
import { REPO_ROOT } from '../options';
import { runToEnd } from '../proc';
import type { Ctx } from './context';

/** Scenario 6: what users download and what the cloud deploys. */
export async function runSizes(ctx: Ctx): Promise<string[]> {
  const failures: string[] = [];
  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      ctx.log(`6. sizes: ${what}`);
      await fn();
    } catch (e) {
      failures.push(`sizes, ${what}: ${(e as Error).message.slice(0, 1_000)}`);
    }
  };
  await step('web app initial JS', async () => {
    ctx.sizes.push(await webInitialJs());
  });
  await step('Lambda bundles', async () => {
    for (const name of LAMBDA_ENTRIES) {
      const m = await measureLambda(name, 5);
      ctx.sizes.push({
        artifact: `Lambda bundle \`${name}\` (esbuild, minified)`,
        bytes: m.bytes,
        gzipBytes: m.gzipBytes,
        loadedBytes: m.importBytes,
        importMs: [m.coldImportMs],
        // The same budgets as infra/test/lambda-bundle.test.ts: what a cold start loads, and what ships.
        limitBytes: MAX_BUNDLE_BYTES,
        totalLimitBytes: MAX_BUNDLE_TOTAL_BYTES,
        note: `handler is a ${m.handlerType}; largest: ${m.largest
          .slice(0, 3)
          .map(([p, b]) => `${p} ${Math.round(b / 1024)} KiB`)
          .join(', ')}`,
      });
    }
  });
  await step('worker node_modules', async () => {
    // worker/Dockerfile installs exactly these (npm ci --omit=dev), then keeps one platform's Temporal core.
    ctx.sizes.push(await workerModules(['--omit=dev', '--workspace', '@conduit/worker'], 'Worker production node_modules (npm ls --omit=dev)'));
  });
  return failures;
}

const ManifestSchema = z.record(z.string(), z.object({ file: z.string(), isEntry: z.boolean().optional(), imports: z.array(z.string()).optional() }));

/** Builds web/ into a temp folder and gzips the entry chunk plus everything it imports statically. */
async function webInitialJs(): Promise<{ artifact: string; bytes: number; gzipBytes: number; note: string }> {
  const out = mkdtempSync(join(tmpdir(), 'conduit-bench-web-'));
  try {
    // The web workspace's own vite (it may be nested under web/node_modules).
    const vite = join(dirname(createRequire(join(REPO_ROOT, 'web/package.json')).resolve('vite/package.json')), 'bin/vite.js');
    await runToEnd(process.execPath, [vite, 'build', '--outDir', out, '--emptyOutDir', '--manifest', '--logLevel', 'warn'], {
      cwd: join(REPO_ROOT, 'web'),
      timeoutMs: 300_000,
    });
    const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(out, '.vite/manifest.json'), 'utf8')));
    const entries = Object.entries(manifest).filter(([, c]) => c.isEntry);
    if (entries.length === 0) throw new Error('the web build has no entry chunk');
    const seen = new Set<string>();
    const visit = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || seen.has(chunk.file)) return;
      seen.add(chunk.file);
      for (const dep of chunk.imports ?? []) visit(dep);
    };
    for (const [key] of entries) visit(key);
    let bytes = 0;
    let gzipBytes = 0;
    for (const file of seen) {
      const data = readFileSync(join(out, file));
      bytes += data.length;
      gzipBytes += gzipSync(data, { level: 9 }).length;
    }
    return { artifact: 'Web app initial JS (entry chunk + static imports)', bytes, gzipBytes, note: `${seen.size} file(s); lazy routes excluded` };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Apparent size of a package folder, without its nested node_modules (those are listed on their own). */
function folderBytes(dir: string): number {
  let total = 0;
  const stack = [dir];
  for (let guard = 0; stack.length && guard < 1_000_000; guard++) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) total += statSync(p).size;
    }
  }
  return total;
}

async function workerModules(lsArgs: string[], artifact: string) {
  // npm ls exits 1 on peer-dependency warnings but still prints the whole tree.
  const out = await runToEnd('npm', ['ls', '--all', '--parseable', ...lsArgs], { cwd: REPO_ROOT, timeoutMs: 120_000, okCodes: [0, 1] });
  const root = resolve(REPO_ROOT);
  const dirs = new Set<string>();
  for (const line of out.split('\n')) {
    const p = line.trim();
    if (!p.startsWith('/') || p === root) continue;
    try {
      dirs.add(lstatSync(p).isSymbolicLink() ? realpathSync(p) : p);
    } catch {
      // listed but not on disk (optional dependency for another platform)
    }
  }
  let bytes = 0;
  const sizes: Array<[string, number]> = [];
  for (const d of dirs) {
    const b = folderBytes(d);
    bytes += b;
    sizes.push([d.replace(/^.*node_modules\//, ''), b]);
  }
  const top = sizes
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([p, b]) => `${p} ${(b / 1024 ** 2).toFixed(0)} MiB`)
    .join(', ');
  return { artifact, bytes, note: `${dirs.size} packages (workspace sources included); largest: ${top}` };
}
