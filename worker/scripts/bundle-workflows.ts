/**
 * Prebuilds the Temporal workflow bundle (webpack, done once at image build time) so the worker
 * starts without bundling: it passes the file to Worker.create as workflowBundle.codePath, found
 * through WORKFLOW_BUNDLE_PATH.
 *
 *   tsx worker/scripts/bundle-workflows.ts [--workflows <path>] [--out <file>]
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigSchema } from '@conduit/core/config';
import { workflowBundleOptions } from '../src/workflow-bundle-options';

const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    workflows: { type: 'string', default: resolve(workerDir, 'src/workflows/index.ts') },
    // Through the config schema like the worker reads it, but only this setting: a build needs no other.
    out: {
      type: 'string',
      default: ConfigSchema.shape.WORKFLOW_BUNDLE_PATH.parse(process.env.WORKFLOW_BUNDLE_PATH) || resolve(workerDir, 'dist/workflow-bundle.js'),
    },
  },
});
const workflowsPath = resolve(values.workflows);
const out = resolve(values.out);

const started = Date.now();
const { code } = await bundleWorkflowCode({ ...workflowBundleOptions, workflowsPath });
await mkdir(dirname(out), { recursive: true });
await writeFile(out, code);
console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`);
