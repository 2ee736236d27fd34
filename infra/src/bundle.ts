import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { basename, dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from './paths';

/** The Lambda entries in functions/src/lambda/, one bundle each. */
export const LAMBDA_ENTRIES = ['api', 'ingress', 'dispatcher', 'sweeper', 'migrate'] as const;
export type LambdaName = (typeof LAMBDA_ENTRIES)[number];

const OUT_ROOT = join(REPO_ROOT, 'infra/dist/lambda');
/**
 * Packages only ever imported dynamically, by code a given function never runs: left out of its bundle.
 * The common-password list (~420 KiB) is read only when someone sets a password, which only the API does.
 */
const NEVER_LOADED: Partial<Record<LambdaName, string[]>> = {
  ingress: ['@zxcvbn-ts/language-common'],
  dispatcher: ['@zxcvbn-ts/language-common'],
  sweeper: ['@zxcvbn-ts/language-common'],
  migrate: ['@zxcvbn-ts/language-common'],
};
/** Files a bundle carries beside its code: the migration step reads drizzle-kit's SQL at run time. */
const CARRIED: Partial<Record<LambdaName, { from: string; to: string }>> = { migrate: { from: join(REPO_ROOT, 'core/drizzle'), to: 'drizzle' } };

/**
 * Kept out of the bundle, because the Lambda runtime provides them or the code never loads them:
 * - the AWS SDK v3, which the Node.js Lambda runtime provides;
 * - PGlite (spoken to through node-postgres) and node-postgres with its drizzle adapter, which core imports dynamically
 *   only for non-Neon URLs (Lambdas force DATABASE_DRIVER=neon, so those imports never run). The
 *   adapters must be external too: bundled, their static driver imports would be hoisted to the
 *   top of the bundle and fail at load where the drivers are absent;
 * - ws, which core loads only when there is no global WebSocket (Node 22 has one);
 * - @grpc/proto-loader, which grpc-js requires lazily for its channelz/ORCA server admin only.
 */
export const LAMBDA_EXTERNALS = [
  '@aws-sdk/*',
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  'pg',
  'pg-native',
  'drizzle-orm/node-postgres',
  'drizzle-orm/node-postgres/*',
  'ws',
  '@grpc/proto-loader',
];

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

const requireHere = createRequire(import.meta.url);
const temporalProtoDir = dirname(requireHere.resolve('@temporalio/proto/package.json', { paths: [REPO_ROOT] }));

/**
 * @temporalio/proto and @temporalio/common each install their own copy of protobufjs 8; bundle one.
 * (The copy the proto root registers its types with is then the one the client encodes with.)
 */
const oneProtobufjs: Plugin = {
  name: 'one-protobufjs',
  setup(b) {
    b.onResolve({ filter: /^protobufjs(\/|$)/ }, async (args) => {
      if (!/[\\/]@temporalio[\\/]/.test(args.importer)) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: temporalProtoDir });
      return r.errors.length ? undefined : { path: r.path };
    });
  },
};

/**
 * The Temporal proto root is one JSON descriptor of every Temporal API (about a third of a
 * bundle), including the worker's core-SDK bridge (coresdk) and the Cloud operations API, which a
 * client never looks up. Those and the package-level file options (go_package…) are dropped at
 * bundle time, and the rest, exactly what the descriptor holds (protobufjs's own toJSON round
 * trip), ships brotli-compressed and is inflated once at import (a few ms; ~350 KiB → ~50 KiB).
 * A test starts a real workflow through a bundle built this way.
 */
const prunedTemporalProtos: Plugin = {
  name: 'pruned-temporal-protos',
  setup(b) {
    b.onLoad({ filter: /[\\/]@temporalio[\\/]proto[\\/]protos[\\/]json-module\.js$/ }, (args) => {
      const root = createRequire(args.path)(args.path) as { toJSON(): { nested: Record<string, JsonNode> } };
      const nested = root.toJSON().nested;
      delete nested.coresdk;
      const api = nested.temporal?.nested?.api?.nested;
      if (api) delete api.cloud;
      stripNamespaceOptions(nested);
      const packed = brotliCompressSync(Buffer.from(JSON.stringify(nested)), {
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 },
      }).toString('base64');
      const contents =
        `var $protobuf = require("protobufjs/light");\n` +
        `var json = JSON.parse(require("node:zlib").brotliDecompressSync(Buffer.from(${JSON.stringify(packed)}, "base64")).toString("utf8"));\n` +
        `var $root = ($protobuf.roots["__temporal"] || ($protobuf.roots["__temporal"] = new $protobuf.Root())).addJSON(json);\n` +
        `module.exports = $root;\n`;
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

type JsonNode = { nested?: Record<string, JsonNode>; options?: unknown; [k: string]: unknown };
function stripNamespaceOptions(nested: Record<string, JsonNode>): void {
  for (const node of Object.values(nested)) {
    // Only namespaces (no fields/values/methods) lose their options; message, field, enum and
    // service options stay, since protobufjs reads some (packed, default) at runtime.
    const isNamespace = node.nested && !('fields' in node) && !('values' in node) && !('methods' in node);
    if (isNamespace) delete node.options;
    if (node.nested) stripNamespaceOptions(node.nested);
  }
}

/**
 * The esbuild settings of every Lambda bundle (also used by tests to bundle probes the same way).
 * The entry is written to `outfile`; code split at a dynamic import() (the Temporal client) goes to
 * chunk files beside it, which Node loads only when that import runs.
 */
export function lambdaBuildOptions(entry: string, outfile: string, extraExternal: readonly string[] = []): BuildOptions & { write: false; metafile: true } {
  return {
    entryPoints: { [basename(outfile, '.mjs')]: entry },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    splitting: true,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The oldest Node the bundles run on (Lambda runs 22; this machine's benchmark runs 20).
    target: 'node20',
    minify: true,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    external: [...LAMBDA_EXTERNALS, ...extraExternal],
    plugins: [zodEnglishOnly, oneProtobufjs, prunedTemporalProtos],
    metafile: true,
    logLevel: 'error',
    // CommonJS dependencies (grpc-js, protobufjs) call require() on Node built-ins.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  };
}

/**
 * `file` is the entry (index.mjs); `dir` holds it and its chunks; `bytes` counts them all, and
 * `importBytes` those a cold start loads (the entry and the chunks it imports statically).
 */
export type LambdaBundle = { name: LambdaName; dir: string; file: string; bytes: number; importBytes: number; metafile: Metafile };

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
  const result = await build(lambdaBuildOptions(join(REPO_ROOT, 'functions/src/lambda', `${name}.ts`), file, NEVER_LOADED[name] ?? []));
  const entry = result.outputFiles.find((o) => o.path === file);
  if (!entry) throw new Error(`esbuild produced no ${file} for ${name}`);
  // Each file is written to a temporary name, then renamed: parallel test workers bundle the same
  // entries, and a reader must never see a half-written file. Chunks (named by content hash) go
  // first, the entry that imports them last; chunks of earlier builds are removed, so the folder
  // the stacks upload holds exactly this bundle.
  mkdirSync(dir, { recursive: true });
  const chunks = result.outputFiles.filter((o) => o !== entry);
  for (const o of [...chunks, entry]) {
    const tmp = join(OUT_ROOT, `.${name}.${process.pid}.${basename(o.path)}.tmp`);
    writeFileSync(tmp, o.contents);
    renameSync(tmp, o.path);
  }
  const carried = CARRIED[name];
  if (carried) {
    const tmp = join(OUT_ROOT, `.${name}.${process.pid}.${carried.to}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    cpSync(carried.from, tmp, { recursive: true });
    rmSync(join(dir, carried.to), { recursive: true, force: true });
    renameSync(tmp, join(dir, carried.to));
  }
  const keep = new Set([...result.outputFiles.map((o) => basename(o.path)), ...(carried ? [carried.to] : [])]);
  for (const f of readdirSync(dir)) if (!keep.has(f)) rmSync(join(dir, f), { force: true, recursive: true });
  const bytes = result.outputFiles.reduce((n, o) => n + o.contents.byteLength, 0);
  return { name, dir, file, bytes, importBytes: staticallyLoadedBytes(result.metafile, file), metafile: result.metafile };
}

/** Bytes of the entry output and every chunk reachable from it by static imports (not import()). */
function staticallyLoadedBytes(metafile: Metafile, entryOutput: string): number {
  const outputs = metafile.outputs;
  // Chunks reached by import() are entry points too, so the entry is found by its path (the
  // metafile's paths are relative to the working directory).
  const pending = Object.keys(outputs).filter((o) => resolve(o) === entryOutput);
  const seen = new Set<string>();
  let bytes = 0;
  for (let o = pending.pop(); o !== undefined; o = pending.pop()) {
    const out = outputs[o];
    if (seen.has(o) || !out) continue;
    seen.add(o);
    bytes += out.bytes;
    for (const i of out.imports) if (i.kind === 'import-statement' && !i.external) pending.push(i.path);
  }
  return bytes;
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
