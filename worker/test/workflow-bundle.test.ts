import { describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PROGRESS_QUERY } from '@conduit/core/temporal';
import { PROGRESS_QUERY as WORKFLOW_PROGRESS_QUERY } from '../src/workflows/contract';
import { workflowsPath } from '../src';

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/**
 * The SDK evaluates every module of the workflow bundle again for each run (reusable V8 context), so a
 * schema library there costs milliseconds of CPU per run. The workflow takes its input as validated by
 * the starter and imports only zod-free helpers; this keeps it that way.
 */
describe('workflow bundle', () => {
  it('holds no zod and no module that builds schemas', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: silent as never });
    const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].map((m) => m[1]!);
    expect(modules.some((m) => m.endsWith('worker/src/workflows/run-workflow.ts'))).toBe(true);
    expect(modules.filter((m) => /\/node_modules\/(zod|croner)\//.test(m))).toEqual([]);
    // The definition folder's zod-free helpers are welcome; its schema modules are not.
    const definition = modules.filter((m) => m.includes('core/src/definition/'));
    expect(definition.filter((m) => !/\/(walk|duration|condition-nodes)\.ts$/.test(m))).toEqual([]);
    expect(modules.filter((m) => /core\/src\/temporal\/(index|run-input)\.ts$/.test(m))).toEqual([]);
  });

  it('answers the progress query by the name core shares with clients', () => {
    expect(WORKFLOW_PROGRESS_QUERY).toBe(PROGRESS_QUERY);
  });
});
