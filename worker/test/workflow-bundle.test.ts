import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { APPROVAL_SIGNAL, PROGRESS_QUERY } from '@conduit/core/temporal';
import { APPROVAL_SIGNAL as WORKFLOW_APPROVAL_SIGNAL, PROGRESS_QUERY as WORKFLOW_PROGRESS_QUERY } from '../src/workflows/contract';
import * as otelWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { workflowBundleOptions } from '../src';
import { OTEL_METHODS } from '../src/workflows/tracing-interceptors';

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
let built: Promise<{ code: string }> | undefined;
const bundle = () => (built ??= bundleWorkflowCode({ ...workflowBundleOptions, logger: silent as never }));

/**
 * The SDK evaluates every module of the workflow bundle again for each run (reusable V8 context), so a
 * schema library there costs milliseconds of CPU per run. The workflow takes its input as validated by
 * the starter and imports only zod-free helpers; this keeps it that way.
 */
describe('workflow bundle', () => {
  it('holds no zod and no module that builds schemas', async () => {
    const { code } = await bundle();
    const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].map((m) => m[1]!);
    expect(modules.some((m) => m.endsWith('worker/src/workflows/run-workflow.ts'))).toBe(true);
    expect(modules.filter((m) => /\/node_modules\/(zod|croner)\//.test(m))).toEqual([]);
    // The definition folder's zod-free helpers are welcome; its schema modules are not.
    const definition = modules.filter((m) => m.includes('core/src/definition/'));
    expect(definition.filter((m) => !/\/(walk|duration|condition-nodes)\.ts$/.test(m))).toEqual([]);
    expect(modules.filter((m) => /core\/src\/temporal\/(index|run-input)\.ts$/.test(m))).toEqual([]);
    // Per-type facts come in through the zod-free meta files, never the schema files beside them.
    expect(modules.some((m) => m.endsWith('core/src/actions/meta.ts'))).toBe(true);
    expect(modules.filter((m) => /core\/src\/(actions|triggers)\//.test(m) && !/\/(meta|define|records)\.ts$/.test(m))).toEqual([]);
  });

  it('runs workflow code without stack traces, and leaves the host context its own', async () => {
    const { code } = await bundle();
    // As the SDK's reusable context does: evaluate the bundle, then its preloaded modules, before any workflow.
    const context = vm.createContext({});
    Object.defineProperty(context, '__webpack_module_cache__', { value: {} });
    new vm.Script(code).runInContext(context);
    vm.runInContext('__TEMPORAL__.preloadModules()', context);
    expect(vm.runInContext('Error.stackTraceLimit', context)).toBe(0);
    expect(vm.runInContext('new Error("x").stack', context)).toBe('Error: x');
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });

  it('loads OpenTelemetry only in a traced run, and gates every method of its interceptors', async () => {
    const { code } = await bundle();
    const context = vm.createContext({});
    const shared = new Map<PropertyKey, unknown>();
    let perRun: Map<PropertyKey, unknown> | undefined;
    // The SDK's module cache: shared before any workflow exists, then one per run.
    const cache = new Proxy(
      {},
      {
        get: (_, p) => shared.get(p) ?? perRun?.get(p),
        set: (_, p, v) => {
          (perRun ?? shared).set(p, v);
          return true;
        },
      },
    );
    Object.defineProperty(context, '__webpack_module_cache__', { value: cache });
    new vm.Script(code).runInContext(context);
    vm.runInContext('__TEMPORAL__.preloadModules()', context);
    perRun = new Map();
    vm.runInContext('__TEMPORAL__.importWorkflows(); __TEMPORAL__.importInterceptors()[0].interceptors()', context);
    const loaded = [...shared.keys(), ...perRun.keys()].map(String);
    expect(loaded.some((m) => m.endsWith('worker/src/workflows/tracing-interceptors.ts'))).toBe(true);
    expect(loaded.filter((m) => m.includes('opentelemetry'))).toEqual([]);

    const names = (c: { prototype: object }) => Object.getOwnPropertyNames(c.prototype).filter((n) => n !== 'constructor');
    expect([...OTEL_METHODS.inbound]).toEqual(names(otelWorkflow.OpenTelemetryInboundInterceptor));
    expect([...OTEL_METHODS.outbound]).toEqual(names(otelWorkflow.OpenTelemetryOutboundInterceptor));
    expect([...OTEL_METHODS.internals]).toEqual(names(otelWorkflow.OpenTelemetryInternalsInterceptor));
  });

  it('answers the progress query by the name core shares with clients', () => {
    expect(WORKFLOW_PROGRESS_QUERY).toBe(PROGRESS_QUERY);
    expect(WORKFLOW_APPROVAL_SIGNAL).toBe(APPROVAL_SIGNAL);
  });
});
