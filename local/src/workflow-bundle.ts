import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { workflowBundleOptions } from '@conduit/worker';
import { withLock } from './file-lock';
import { REPO_ROOT } from './web-build';

/**
 * Everything the workflow bundle is built from: the workflow code, the core it imports, and the
 * locked package versions (zod, @temporalio/workflow). Any change to these gives a new bundle.
 */
const INPUTS = ['worker/src/workflows', 'worker/src/workflow-bundle-options.ts', 'core/src', 'worker/package.json', 'core/package.json', 'package-lock.json'];

function hashInputs(): string {
  const h = createHash('sha256');
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) walk(join(path, entry));
      return;
    }
    h.update(path.slice(REPO_ROOT.length)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const input of INPUTS) walk(join(REPO_ROOT, input));
  return h.digest('hex').slice(0, 16);
}

/**
 * The worker's workflow bundle, built once per version of its sources and cached in node_modules/.cache:
 * webpack takes 5–20 s, and a restart with unchanged code should not pay it again.
 */
const BUNDLE_CACHE_DIR = join(REPO_ROOT, 'node_modules/.cache/conduit');

export async function cachedWorkflowBundle(cacheDir = BUNDLE_CACHE_DIR, log: (line: string) => void = () => {}): Promise<{ code: string }> {
  const file = join(cacheDir, `workflows-${hashInputs()}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
  mkdirSync(cacheDir, { recursive: true });
  // Stacks starting side by side (parallel test files) build it once, not once each.
  return withLock(join(cacheDir, 'workflows.lock'), async () => {
    if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
    log('bundling the workflow code (once per code change)…');
    return { code: await build(file, cacheDir) };
  });
}

async function build(file: string, cacheDir: string): Promise<string> {
  // Written beside, then renamed, so a parallel start never reads half a bundle.
  const tmp = `${file}.${process.pid}.tmp`;
  await bundleApart(tmp).catch((e: unknown) => {
    rmSync(tmp, { force: true });
    throw e;
  });
  const code = readFileSync(tmp, 'utf8');
  renameSync(tmp, file);
  prune(cacheDir, file);
  return code;
}

/** Drops bundles of older code that nobody has written for a day (parallel checkouts may still use recent ones). */
function prune(cacheDir: string, keep: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path !== keep && /^workflows-[0-9a-f]+\.js$/.test(name) && statSync(path).mtimeMs < dayAgo) rmSync(path, { force: true });
  }
}

/**
 * webpack in a process of its own (workflow-bundle-build.mjs): on a first start its memory stayed in
 * the product's process, which then idled ~70 MiB higher than on the next start (issue 21).
 */
async function bundleApart(file: string): Promise<void> {
  const script = fileURLToPath(new URL('./workflow-bundle-build.mjs', import.meta.url));
  try {
    await promisify(execFile)(process.execPath, [script, JSON.stringify(workflowBundleOptions), file], { timeout: 300_000, maxBuffer: 16 << 20 });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new Error(`bundling the workflow code failed${stderr ? `: ${stderr.slice(-2_000)}` : ''}`);
  }
}
