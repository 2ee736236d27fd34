/**
 * Lambda bundle benchmark: bundles each entry with the deploy's esbuild settings, then reports its
 * size and the median cold import (fresh Node process each time, in a folder with no node_modules
 * but the AWS SDK, as in Lambda). Exits 1 over budget. The import budget is checked on the
 * import's CPU time, which other load on a shared machine does not inflate; wall time is printed
 * beside it (and equals it on an idle machine).
 *
 *   npm run bench:lambda -w infra
 */
import { loadavg } from 'node:os';
import { LAMBDA_ENTRIES } from '../src/bundle';
import { formatMeasure, kib, MAX_BUNDLE_BYTES, MAX_COLD_IMPORT_MS, measureLambda } from '../src/measure';

let failed = false;
console.log(`budget: ${kib(MAX_BUNDLE_BYTES)} per bundle, ${MAX_COLD_IMPORT_MS} ms cold import (cpu); load average ${loadavg()[0]!.toFixed(1)}`);
for (const name of LAMBDA_ENTRIES) {
  const m = await measureLambda(name, 7);
  const over = [m.bytes > MAX_BUNDLE_BYTES ? 'size over budget' : '', m.coldImportCpuMs > MAX_COLD_IMPORT_MS ? 'import over budget' : ''].filter(Boolean);
  console.log(`${formatMeasure(m)}${over.length ? `  <-- ${over.join(', ')}` : ''}`);
  if (over.length) failed = true;
}
process.exit(failed ? 1 : 0);
