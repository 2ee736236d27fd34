import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withLock } from './file-lock';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB_DIR = join(REPO_ROOT, 'web');
const WEB_DIST = join(WEB_DIR, 'dist');

/** Inputs of the web build: its own sources and config, and core (the web app imports schemas, metadata and templates from across it). */
const WEB_INPUTS = ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/package.json', 'core/src'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export type WebBuildState = 'absent' | 'fresh' | 'stale' | 'missing';

/** absent: the web app has no sources yet; missing: never built; stale: a source is newer than the build. */
export function webBuildState(root = REPO_ROOT): WebBuildState {
  if (!existsSync(join(root, 'web/index.html'))) return 'absent';
  const built = join(root, 'web/dist/index.html');
  if (!existsSync(built)) return 'missing';
  const inputs = Math.max(...WEB_INPUTS.map((p) => newestMtime(join(root, p))));
  return inputs > statSync(built).mtimeMs ? 'stale' : 'fresh';
}

/**
 * Builds web/dist when it is missing or older than its sources, so `npm start` always serves the
 * code in the checkout. Returns the folder to serve, or undefined when there is no web app to serve.
 */
export async function ensureWebBuild(log: (line: string) => void = () => {}): Promise<string | undefined> {
  if (webBuildState() === 'absent') return undefined;
  // Parallel starts (test files, a second terminal) must not run two vite builds into one folder.
  return withLock(join(REPO_ROOT, 'node_modules/.conduit-web-build.lock'), async () => {
    const state = webBuildState();
    if (state === 'fresh') return WEB_DIST;
    await build(state, log);
    return WEB_DIST;
  });
}

async function build(state: WebBuildState, log: (line: string) => void): Promise<void> {
  log(state === 'missing' ? 'building the web app (first start)…' : 'web app sources changed, rebuilding…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['run', 'build', '-w', 'web'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-8_000)));
  child.stderr.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-8_000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`web build failed (npm run build -w web exited ${code}):\n${out}`);
}
