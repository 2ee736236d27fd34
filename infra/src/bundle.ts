import { build, type Metafile, type Plugin } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * zod 4's `z` namespace re-exports every translation of its error messages (~350 KiB minified),
 * which no server here uses; keep English, the default, and drop the rest.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

export type LambdaBundle = { name: LambdaName; dir: string; file: string; bytes: number; metafile: Metafile };

const cache = new Map<LambdaName, Promise<LambdaBundle>>();
const built = new Map<LambdaName, LambdaBundle>();

/** Bundles one entry with esbuild into infra/dist/lambda/<name>/index.mjs (once per process). */
export function bundleLambda(name: LambdaName): Promise<LambdaBundle> {
  let pending = cache.get(name);
  if (!pending) {
    pending = runBuild(name).then((b) => {
      built.set(name, b);
      return b;
    });
    pending.catch(() => cache.delete(name));
    cache.set(name, pending);
  }
  return pending;
}

/** Bundles every entry; call before synthesizing (sst.config.ts and the tests do). */
export function bundleLambdas(): Promise<LambdaBundle[]> {
  return Promise.all(LAMBDA_ENTRIES.map(bundleLambda));
}

/** A bundle built earlier in this process: constructs are synchronous, bundling is not. */
export function builtBundle(name: LambdaName): LambdaBundle {
  const b = built.get(name);
  if (!b) throw new Error(`Lambda "${name}" is not bundled: await bundleLambdas() before synthesizing`);
  return b;
}

async function runBuild(name: LambdaName): Promise<LambdaBundle> {
  const dir = join(OUT_ROOT, name);
  const file = join(dir, 'index.mjs');
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'functions/src/lambda', `${name}.ts`)],
    outfile: file,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    external: LAMBDA_EXTERNALS,
    plugins: [zodEnglishOnly],
    metafile: true,
    logLevel: 'error',
    // CommonJS dependencies (grpc-js, protobufjs) call require() on Node built-ins.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${name}`);
  // Written to a temporary name, then renamed: parallel test workers bundle the same entries,
  // and a reader must never see a half-written file.
  mkdirSync(dir, { recursive: true });
  const tmp = join(OUT_ROOT, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, output.contents);
  renameSync(tmp, file);
  return { name, dir, file, bytes: output.contents.byteLength, metafile: result.metafile };
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
