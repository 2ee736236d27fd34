/**
 * Lambda bundle benchmark: bundles each entry with the deploy's esbuild settings, then reports its
 * size and the median cold import time (fresh Node process each time). Exits 1 over budget.
 *
 *   npm run bench:lambda -w infra
 */
import { LAMBDA_ENTRIES } from '../src/bundle';
import { formatMeasure, kib, MAX_BUNDLE_BYTES, MAX_COLD_IMPORT_MS, measureLambda } from '../src/measure';

let failed = false;
console.log(`budget: ${kib(MAX_BUNDLE_BYTES)} per bundle, ${MAX_COLD_IMPORT_MS} ms cold import`);
for (const name of LAMBDA_ENTRIES) {
  const m = await measureLambda(name, 7);
  const over = [
    m.bytes > MAX_BUNDLE_BYTES ? 'size over budget' : '',
    m.coldImportMs > MAX_COLD_IMPORT_MS ? 'import over budget' : '',
  ].filter(Boolean);
  console.log(`${formatMeasure(m)}${over.length ? `  <-- ${over.join(', ')}` : ''}`);
  if (over.length) failed = true;
}
process.exit(failed ? 1 : 0);
