import { describe, expect, it } from 'vitest';
import { LAMBDA_ENTRIES, LAMBDA_EXTERNALS } from '../src/bundle';
import { formatMeasure, MAX_BUNDLE_BYTES, MAX_BUNDLE_TOTAL_BYTES, measureLambda } from '../src/measure';

// Sizes and import times are reported here; the import-time budget is enforced by the benchmark
// (npm run bench:lambda -w infra), not by a timed test.
describe.each(LAMBDA_ENTRIES)('lambda bundle %s', (name) => {
  it('bundles with esbuild, imports in a fresh process, exports a handler and fits the size budget', async () => {
    const m = await measureLambda(name, 3);
    console.log(`[lambda bundle] ${formatMeasure(m)}`);
    expect(m.handlerType).toBe('function');
    // What a cold start loads stays within the budget; chunks loaded on first use (the password
    // list, the SMTP client, the Temporal client) count toward a looser ceiling on what ships.
    expect(m.importBytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    expect(m.bytes).toBeLessThanOrEqual(MAX_BUNDLE_TOTAL_BYTES);
    // The drivers Lambdas never load stay out of the bundle.
    for (const pkg of m.largest.map(([p]) => p)) {
      expect(LAMBDA_EXTERNALS.some((e) => e.replace('/*', '') === pkg)).toBe(false);
      expect(pkg).not.toBe('@electric-sql/pglite');
    }
  });
});
