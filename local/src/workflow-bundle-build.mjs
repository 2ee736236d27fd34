/**
 * Builds the workflow bundle (the SDK's webpack) and writes it to a file, in a process of its own:
 * `node workflow-bundle-build.mjs <options JSON> <file>`. The memory webpack takes leaves with this
 * process instead of staying in the product's for its whole life (workflow-bundle.ts). Plain
 * JavaScript: it runs without a TypeScript loader (webpack compiles the workflow code itself).
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';

const [options, file] = process.argv.slice(2);
const noop = () => {};
// webpack's build report is noise at start-up; errors still surface as a thrown error.
const logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
const { code } = await bundleWorkflowCode({ ...JSON.parse(options), logger });
writeFileSync(file, code);
