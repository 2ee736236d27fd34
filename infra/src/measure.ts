import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleBreakdown, bundleLambda, type LambdaName } from './bundle';
import { REPO_ROOT } from './paths';

/** The budget per Lambda bundle: what a cold start loads (the entry and its static imports). */
export const MAX_BUNDLE_BYTES = 1.5 * 1024 * 1024;
/** Everything a bundle ships, lazily loaded chunks included (the password list, the SMTP client…). */
export const MAX_BUNDLE_TOTAL_BYTES = 2.5 * 1024 * 1024;
/** The budget for a cold import of a bundle on this machine (checked by the benchmark). */
export const MAX_COLD_IMPORT_MS = 200;

export type LambdaMeasure = {
  name: LambdaName;
  bytes: number;
  gzipBytes: number;
  /** What a cold start loads: the entry and its static imports (code behind import() loads on first use). */
  importBytes: number;
  /** Median wall time of `runs` cold imports, each in a fresh Node process. */
  coldImportMs: number;
  /** Median CPU time (user + system) of those imports: what the import costs, whatever else runs on the machine. */
  coldImportCpuMs: number;
  handlerType: string;
  largest: Array<[string, number]>;
};

/**
 * A copy of the bundle (the entry and its chunks) in an empty folder whose node_modules holds only
 * what the Lambda runtime provides (the AWS SDK v3), so a static import of anything left external
 * fails here as in Lambda. Returns the copy of the entry.
 */
function isolateBundle(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-lambda-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'node_modules/@aws-sdk'), join(dir, 'node_modules/@aws-sdk'), 'dir');
  for (const f of readdirSync(dirname(file))) if (f.endsWith('.mjs')) copyFileSync(join(dirname(file), f), join(dir, f));
  return join(dir, basename(file));
}

/** Loads the bundle in a fresh Node process (as a Lambda cold start does) and times the import. */
function coldImport(file: string): { ms: number; cpuMs: number; handlerType: string } {
  const script =
    `const c = process.cpuUsage(); const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    `const ms = performance.now() - t; const u = process.cpuUsage(c); ` +
    `console.log(JSON.stringify({ ms, cpuMs: (u.user + u.system) / 1000, handlerType: typeof m.handler }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; cpuMs: number; handlerType: string };
}

export async function measureLambda(name: LambdaName, runs = 5): Promise<LambdaMeasure> {
  const bundle = await bundleLambda(name);
  const isolated = isolateBundle(bundle.file);
  const times: number[] = [];
  const cpu: number[] = [];
  let handlerType = '';
  try {
    for (let i = 0; i < runs; i++) {
      const r = coldImport(isolated);
      times.push(r.ms);
      cpu.push(r.cpuMs);
      handlerType = r.handlerType;
    }
  } finally {
    rmSync(dirname(isolated), { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    name,
    bytes: bundle.bytes,
    importBytes: bundle.importBytes,
    // The code the function loads (a carried folder such as the migrations is data, not code).
    gzipBytes: readdirSync(bundle.dir)
      .filter((f) => f.endsWith('.mjs'))
      .reduce((n, f) => n + gzipSync(readFileSync(join(bundle.dir, f))).length, 0),
    coldImportMs: median(times),
    coldImportCpuMs: median(cpu),
    handlerType,
    largest: bundleBreakdown(bundle.metafile),
  };
}

export const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

export function formatMeasure(m: LambdaMeasure): string {
  const top = m.largest
    .slice(0, 5)
    .map(([pkg, b]) => `${pkg} ${kib(b)}`)
    .join(', ');
  return `${m.name.padEnd(10)} ${kib(m.bytes).padStart(9)} (gzip ${kib(m.gzipBytes)}, ${kib(m.importBytes)} loaded at import)  cold import ${m.coldImportMs.toFixed(0)} ms (cpu ${m.coldImportCpuMs.toFixed(0)} ms)  largest: ${top}`;
}
