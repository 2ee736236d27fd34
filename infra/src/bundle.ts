import { buildSync, type Metafile } from 'esbuild';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/** The Lambda entries in functions/src/lambda/, one bundle each. */
export const LAMBDA_ENTRIES = ['api', 'ingress', 'dispatcher', 'sweeper'] as const;
export type LambdaName = (typeof LAMBDA_ENTRIES)[number];

const OUT_ROOT = join(REPO_ROOT, 'infra/dist/lambda');

/**
 * Kept out of the bundle:
 * - the AWS SDK v3, which the Node.js Lambda runtime provides;
 * - the PGlite and node-postgres drivers, which core loads only for non-Neon URLs (Lambdas force
 *   DATABASE_DRIVER=neon, so those imports are never reached).
 */
export const LAMBDA_EXTERNALS = ['@aws-sdk/*', '@electric-sql/pglite', '@electric-sql/pglite/*', 'pg', 'pg-native'];

export type LambdaBundle = { name: LambdaName; dir: string; file: string; bytes: number; metafile: Metafile };

const cache = new Map<LambdaName, LambdaBundle>();

/** Bundles one entry with esbuild into infra/dist/lambda/<name>/index.mjs (memoized per process). */
export function bundleLambda(name: LambdaName): LambdaBundle {
  const hit = cache.get(name);
  if (hit) return hit;
  const dir = join(OUT_ROOT, name);
  const file = join(dir, 'index.mjs');
  const result = buildSync({
    entryPoints: [join(REPO_ROOT, 'functions/src/lambda', `${name}.ts`)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    external: LAMBDA_EXTERNALS,
    metafile: true,
    logLevel: 'error',
    // CommonJS dependencies (grpc-js, protobufjs) call require() on Node built-ins.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  const bundle: LambdaBundle = { name, dir, file, bytes: statSync(file).size, metafile: result.metafile };
  cache.set(name, bundle);
  return bundle;
}

/** Bytes in the bundle per package, largest first: where a size regression came from. */
export function bundleBreakdown(metafile: Metafile, top = 8): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
}
