import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The newest n8n line that runs on Node 20 (2.x needs Node 24). */
const N8N_SPEC = '~1.123.81';

/**
 * xlsx and isolated-vm cannot be had as published here (a CDN tarball; a Node 24-only build).
 * Without n8n's own lock file npm resolves today's langgraph-checkpoint, which needs a newer
 * @langchain/core than n8n pins and stops `n8n start` from loading; 1.0.1 is the one n8n shipped with.
 */
const OVERRIDES = { xlsx: '0.18.5', 'isolated-vm': '5.0.4', '@langchain/langgraph-checkpoint': '1.0.1' };
const PACKAGE_JSON = {
  name: 'conduit-bench-n8n',
  private: true,
  description: 'Throwaway install of n8n for Conduit side-by-side benchmarks; safe to delete.',
  dependencies: { n8n: N8N_SPEC },
  overrides: OVERRIDES,
};

export type N8nInstall = { dir: string; bin: string; version: string };

function installed(dir: string): N8nInstall | undefined {
  const pkg = join(dir, 'node_modules/n8n/package.json');
  const bin = join(dir, 'node_modules/n8n/bin/n8n');
  if (!existsSync(pkg) || !existsSync(bin) || !existsSync(join(dir, '.installed'))) return undefined;
  // An install made with other overrides is redone.
  const manifest = z.object({ overrides: z.record(z.string(), z.string()).default({}) }).parse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
  if (Object.entries(OVERRIDES).some(([k, v]) => manifest.overrides[k] !== v)) return undefined;
  const { version } = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(pkg, 'utf8')));
  if (!version.startsWith('1.123.')) return undefined;
  return { dir, bin, version };
}

/**
 * n8n in a cached folder outside the project (about 1.8 GB, several minutes the first time).
 * Installed once with npm's ordinary client and reused; never touches the project's lock file.
 */
export async function ensureN8n(dir: string, log: (s: string) => void, timeoutMs = 30 * 60_000): Promise<N8nInstall> {
  const have = installed(dir);
  if (have) return have;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(PACKAGE_JSON, null, 2)}\n`);
  writeFileSync(join(dir, '.npmrc'), 'legacy-peer-deps=true\nfund=false\naudit=false\n');
  log(`installing n8n ${N8N_SPEC} into ${dir} (first run only; takes minutes)…`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b: Buffer) => (tail = (tail + b.toString()).slice(-4_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      code === 0 ? resolve() : reject(new Error(`npm install of n8n failed (exit ${code}): ${tail}`));
    });
  });
  writeFileSync(join(dir, '.installed'), new Date().toISOString());
  const now = installed(dir);
  if (!now) throw new Error(`n8n installed into ${dir} but its package or binary is missing`);
  return now;
}
