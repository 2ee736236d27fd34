import { failureConverterPath } from '@conduit/core/temporal-codec';

/** The workflow code's entry point (bundled by the SDK's webpack, evaluated in its sandbox). */
export const workflowsPath = new URL('./workflows/index.ts', import.meta.url).pathname;

/**
 * How every workflow bundle is built: by the worker at start, in the local stack's cache, and for
 * deploys. The failure converter is the worker's own (workerDataConverter): failure messages leave
 * the sandbox in encoded attributes, which the payload codec encrypts.
 */
export const workflowBundleOptions = {
  workflowsPath,
  // Tracing's workflow side: idle for runs started without a trace header (see the module).
  workflowInterceptorModules: [new URL('./workflows/tracing-interceptors.ts', import.meta.url).pathname],
  preloadModules: [new URL('./workflows/preload.ts', import.meta.url).pathname],
  failureConverterPath,
};
