/**
 * `npm start`: compiles the local stack's TypeScript into one ES module with esbuild (about a second
 * on two cores) and runs it with plain node. Running the sources through tsx instead kept its
 * compiler and every transformed module in memory for the life of the process (about 50 MiB at idle,
 * docs/bench.md). Plain JavaScript because nothing compiles this file.
 *
 * What the compiled module keeps from the sources:
 * - every `import.meta.url` is the URL of the source file it was written in, so paths built from it
 *   (migrations, the web build, the sandbox thread, createRequire) resolve exactly as from source;
 *   the one exception is the failure converter, which the Temporal SDK require()s by path: it is
 *   compiled to CommonJS (core/src/temporal-codec/index.ts picks the .cjs beside its compiled place);
 * - every package import is the file Node itself would load from that source file (some workspaces
 *   have their own node_modules), kept as an import, not bundled.
 *
 * NODE_OPTIONS=--enable-source-maps maps stack traces back to the sources (off by default: the maps
 * cost memory too).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'local/dist');
const ENTRY = join(ROOT, 'local/src/start.ts');
const CODEC = join(ROOT, 'core/src/temporal-codec/index.ts');
const FAILURE_CONVERTER = join(ROOT, 'core/src/temporal-codec/failure-converter.ts');
const compiledPlace = (file, ext) => join(OUT, relative(ROOT, file)).replace(/\.ts$/, ext);
const BUILTINS = new Set(builtinModules);
const SKIP = Symbol('resolving');

/** Package imports stay imports, pinned to the file Node would pick from the importing source file. */
const packagesAsNodeResolves = {
  name: 'packages-as-node-resolves',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === SKIP || args.path.startsWith('@conduit/')) return undefined;
      if (args.path.startsWith('node:') || BUILTINS.has(args.path.split('/')[0])) return { path: args.path, external: true };
      const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: SKIP });
      if (found.errors.length) return { errors: found.errors };
      return { path: pathToFileURL(found.path).href, external: true };
    });
  },
};

/** `import.meta.url` → the source file's URL (the codec's: its compiled place, see the header). */
const importMetaUrlOfSource = {
  name: 'import-meta-url-of-source',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const url = pathToFileURL(args.path === CODEC ? compiledPlace(CODEC, '.js') : args.path).href;
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(url)), loader: 'ts' };
    });
  },
};

/** Writes beside, then renames: two starts at once (parallel tests) never run half a file. */
async function emit(files) {
  for (const f of files) {
    await mkdir(dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    await writeFile(tmp, f.contents);
    await rename(tmp, f.path);
  }
}

// `mainFields`/`conditions` as Node's own: no "module" builds that Node would not load itself.
const common = { bundle: true, platform: 'node', target: 'node20', write: false, logLevel: 'warning', mainFields: ['main'], conditions: [] };
const mainFile = join(OUT, 'start.mjs');
try {
  const [main, converter] = await Promise.all([
    build({ ...common, entryPoints: [ENTRY], outfile: mainFile, format: 'esm', sourcemap: 'linked', plugins: [packagesAsNodeResolves, importMetaUrlOfSource] }),
    build({ ...common, entryPoints: [FAILURE_CONVERTER], outfile: compiledPlace(FAILURE_CONVERTER, '.cjs'), format: 'cjs', packages: 'external' }),
  ]);
  await emit([...converter.outputFiles, ...main.outputFiles]);
} catch (e) {
  process.stderr.write(`Conduit could not be compiled: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
} finally {
  // esbuild's compiler runs as a child process; it has nothing left to do.
  await stop();
}
await import(pathToFileURL(mainFile).href);
