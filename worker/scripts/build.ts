/**
 * Compiles the standalone worker to plain JavaScript for the production image (worker/Dockerfile):
 * no tsx, no TypeScript and no dev dependency at run time.
 *
 *   node --import tsx worker/scripts/build.ts [--out worker/dist]
 *
 * The output folder holds everything the worker runs from, beside the production node_modules:
 *   worker/src/main.js          the entry: worker and core sources in one ES module, packages external
 *   core/src/temporal-codec/failure-converter.cjs   loaded by path with require() by the Temporal SDK
 *   core/drizzle/, core/src/db/pglite-{init,thread}.mjs, worker/src/activities/sandbox-thread.mjs   files the code finds beside itself
 *   workflow-bundle.js          the Temporal workflow bundle, prebuilt (WORKFLOW_BUNDLE_PATH)
 * Source files keep their place relative to each other under the output folder, and every
 * `import.meta.url` is rewritten to the compiled place of the file it was written in, so a path
 * built from it (migrations, the sandbox thread, the failure converter) resolves as from source.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { workflowBundleOptions } from '../src/workflow-bundle-options';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { out: { type: 'string', default: join(ROOT, 'worker/dist') } } });
const out = resolve(values.out);

/** Where a source file of the repository lands under the output folder. */
const compiledPlace = (file: string, ext = '.js') => join(out, relative(ROOT, file)).replace(/\.[cm]?ts$/, ext);
const ENTRY = join(ROOT, 'worker/src/main.ts');
const FAILURE_CONVERTER = join(ROOT, 'core/src/temporal-codec/failure-converter.ts');

/** Packages stay imports (installed by `npm ci --omit=dev`); the workspace's own TypeScript is compiled in. */
const packagesExternal: Plugin = {
  name: 'packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@conduit/') ? undefined : { path: args.path, external: true }));
  },
};

/** `import.meta.url` of each source file → the URL of that file's compiled place (see the header). */
const importMetaUrlPerFile = (bundleFile: string): Plugin => ({
  name: 'import-meta-url-per-file',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const rel = relative(dirname(bundleFile), compiledPlace(args.path));
      const here = `new URL(${JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', here), loader: 'ts' };
    });
  },
});

const started = Date.now();
await rm(out, { recursive: true, force: true });
const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', plugins: [packagesExternal] };
const mainFile = compiledPlace(ENTRY);
await build({ ...common, entryPoints: [ENTRY], outfile: mainFile, format: 'esm', plugins: [packagesExternal, importMetaUrlPerFile(mainFile)] });
// CommonJS: the SDK require()s converters by path, which Node 20 does for ES modules only behind a warning.
await build({ ...common, entryPoints: [FAILURE_CONVERTER], outfile: compiledPlace(FAILURE_CONVERTER, '.cjs'), format: 'cjs' });

for (const asset of ['core/drizzle', 'core/src/db/pglite-init.mjs', 'core/src/db/pglite-thread.mjs', 'worker/src/activities/sandbox-thread.mjs'])
  await cp(join(ROOT, asset), join(out, asset), { recursive: true });

const { code } = await bundleWorkflowCode(workflowBundleOptions);
await mkdir(out, { recursive: true });
await writeFile(join(out, 'workflow-bundle.js'), code);
console.log(`worker build: ${out} (${Date.now() - started} ms)`);
