import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../src/bundle';

const address = process.env.TEST_TEMPORAL_ADDRESS;
if (!address) console.warn('[temporal bundle] skipped: no Temporal dev server (run through the root vitest config)');

// The Lambda bundles prune Temporal's proto descriptor and share one protobufjs; this proves the
// client still speaks to a real server when bundled exactly that way.
describe.skipIf(!address)('Temporal client bundled with the Lambda settings', () => {
  it('starts, describes and terminates a workflow on the dev server', async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'conduit-probe-')), 'probe.mjs');
    const result = await build(lambdaBuildOptions(join(import.meta.dirname, 'fixtures/temporal-probe.ts'), outfile));
    for (const o of result.outputFiles) writeFileSync(o.path, o.contents);
    const copies = new Set(
      Object.keys(result.metafile.inputs)
        .map((i) => /^(.*node_modules\/protobufjs)\//.exec(i)?.[1])
        .filter(Boolean),
    );
    expect([...copies]).toHaveLength(1);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('@grpc/proto-loader'))).toBe(false);
    const bytes = result.outputFiles.reduce((n, o) => n + o.contents.byteLength, 0);
    console.log(`[temporal bundle] client probe: ${(bytes / 1024).toFixed(0)} KiB`);
    const { probe } = (await import(pathToFileURL(outfile).href)) as typeof import('./fixtures/temporal-probe');
    const out = await probe(address!);
    expect(out).toMatchObject({ running: 'RUNNING', terminated: 'TERMINATED', memo: { purpose: 'probe' } });
  });
});
